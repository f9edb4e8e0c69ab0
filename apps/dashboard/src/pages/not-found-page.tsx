import { Link } from "@tanstack/react-router";
import { homePath } from "../shell/products.ts";
import { useDocumentTitle } from "./use-document-title.ts";

/** An address with no page: inside the shell when signed in, on its own card when signed out. */
export function NotFoundPage({ signedOut = false }: { signedOut?: boolean }) {
  useDocumentTitle("Page not found");
  if (signedOut) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <p className="brand">Switchboard</p>
          <h1>Page not found</h1>
          <p>
            There is no page at this address. <Link to="/sign-in">Sign in</Link>
          </p>
        </div>
      </main>
    );
  }
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">Page not found</h1>
      <p>
        There is no page at this address. <Link to={homePath}>Go to Requests</Link>
      </p>
    </section>
  );
}
