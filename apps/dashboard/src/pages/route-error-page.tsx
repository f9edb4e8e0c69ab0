// What a page shows when its route throws (a bug, or a page's code that could not be loaded):
// a plain sentence and a way to try again, in place of the page, never a blank screen.
import { type ErrorComponentProps, useRouter } from "@tanstack/react-router";
import { useDocumentTitle } from "./use-document-title.ts";

/** A lazily loaded page whose file is gone: the dashboard was updated since this tab opened it. */
function isStaleChunk(error: unknown): boolean {
  return error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message);
}

export function RouteErrorPage({ error, reset }: ErrorComponentProps) {
  useDocumentTitle("Something went wrong");
  const router = useRouter();
  const stale = isStaleChunk(error);
  const tryAgain = () => {
    if (stale) {
      window.location.reload();
      return;
    }
    reset();
    void router.invalidate();
  };
  return (
    <section aria-labelledby="page-heading" className="route-error">
      <h1 id="page-heading">Something went wrong</h1>
      <p role="alert">
        {stale
          ? "The dashboard was updated since this page was opened. Reload to get the new version."
          : "This page could not be shown. Try again; if it keeps happening, reload the page."}
      </p>
      <button type="button" onClick={tryAgain}>
        {stale ? "Reload" : "Try again"}
      </button>
    </section>
  );
}
