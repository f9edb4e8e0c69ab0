// The page of one thing named in its address (a request, an onboarding): "Loading…" until it is
// read, the load error with a way back if it can't be, then the page itself.
import type { ReactNode } from "react";
import { readAppError } from "../api/app-error.ts";
import { Link } from "../routing/router.tsx";
import { useDocumentTitle } from "./use-document-title.ts";

export function LoadedPage<TView>({
  query,
  title,
  loading,
  notFound,
  back,
  children,
}: {
  query: { data: TView | undefined; error: unknown };
  title: string;
  /** "Loading the request…" */
  loading: string;
  /** What a malformed id in the address reads as: to the person, just a thing that isn't there. */
  notFound: string;
  back: { href: string; label: string };
  children: (view: TView) => ReactNode;
}) {
  const view = query.data;
  if (query.error && !view) {
    return (
      <PageSection title={title}>
        <p className="form-error">{loadErrorMessage(query.error, notFound)}</p>
        <p>
          <Link href={back.href}>{back.label}</Link>
        </p>
      </PageSection>
    );
  }
  if (!view) {
    return (
      <PageSection title={title}>
        <p className="loading" aria-busy="true">
          {loading}
        </p>
      </PageSection>
    );
  }
  return children(view);
}

function loadErrorMessage(error: unknown, notFound: string): string {
  const { appCode, message } = readAppError(error);
  return appCode === "VALIDATION_FAILED" ? notFound : message;
}

function PageSection({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">{title}</h1>
      {children}
    </section>
  );
}
