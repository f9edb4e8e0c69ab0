// The page of one thing named in its address (a request, an onboarding): "Loading…" until it is
// read, the load error with a way back if it can't be, then the page itself. The same "isn't
// there" view is what the route shows for a malformed id, before any query (ItemNotFound).
import { Link, type LinkProps } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { readAppError } from "../api/app-error.ts";
import { useDocumentTitle } from "./use-document-title.ts";

/** The way back from a thing's page: to its product's own page. */
interface BackLink {
  to: NonNullable<LinkProps["to"]>;
  label: string;
}

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
  back: BackLink;
  children: (view: TView) => ReactNode;
}) {
  const view = query.data;
  if (query.error && !view) {
    return <ItemNotFound title={title} message={loadErrorMessage(query.error, notFound)} back={back} />;
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

/** A thing's page that cannot be shown: what went wrong in plain words, and the way back. */
export function ItemNotFound({ title, message, back }: { title: string; message: string; back: BackLink }) {
  return (
    <PageSection title={title}>
      <p className="form-error">{message}</p>
      <p>
        <Link to={back.to} activeOptions={{ exact: true }}>
          {back.label}
        </Link>
      </p>
    </PageSection>
  );
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
