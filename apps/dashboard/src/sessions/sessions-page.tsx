// The Sessions product at /sessions: "Your sessions" for a customer, "My sessions" for a mechanic.
import { Link } from "@tanstack/react-router";
import { useDocumentTitle } from "../pages/use-document-title.ts";

export function SessionsPage({ viewer }: { viewer: "customer" | "mechanic" }) {
  const title = viewer === "mechanic" ? "My sessions" : "Your sessions";
  useDocumentTitle(title);
  return (
    <section aria-labelledby="page-heading" className="sessions-page">
      <h1 id="page-heading">{title}</h1>
      <p className="lead">
        {viewer === "mechanic"
          ? "The customers you accepted. Accept a request on the board to start a session."
          : "Your sessions with a mechanic. Ask for a mechanic to start one."}
      </p>
      <p>
        <Link to="/requests" activeOptions={{ exact: true }}>
          {viewer === "mechanic" ? "Open the board" : "Ask for a mechanic"}
        </Link>
      </p>
    </section>
  );
}
