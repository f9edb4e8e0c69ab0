// One service session's page.
import { Link } from "@tanstack/react-router";
import { useDocumentTitle } from "../pages/use-document-title.ts";

export function SessionPage({ sessionId }: { sessionId: string }) {
  useDocumentTitle("Session");
  return (
    <section aria-labelledby="page-heading" className="session-page" data-session-id={sessionId}>
      <h1 id="page-heading">Session</h1>
      <p>
        <Link to="/sessions" activeOptions={{ exact: true }}>
          All your sessions
        </Link>
      </p>
    </section>
  );
}
