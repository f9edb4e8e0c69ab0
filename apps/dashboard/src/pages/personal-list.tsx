// A panel of the person's own things, newest first (their requests, their onboardings): each a
// link to its own page, where it stands, and when. Until it is read, "Loading…"; then its error,
// a note that there is nothing yet, or the list.
import type { ReactNode } from "react";
import { readAppError } from "../api/app-error.ts";
import "./personal-list.css";

export function PersonalList<TItem>({
  id,
  heading,
  query,
  loading,
  empty,
  keyOf,
  statusOf,
  footer,
  children,
}: {
  /** The heading's id, which also names the list. */
  id: string;
  heading: string;
  query: { data: TItem[] | undefined; error: unknown };
  loading: string;
  empty: string;
  keyOf: (item: TItem) => string;
  statusOf: (item: TItem) => string;
  /** Under the list, inside the panel (e.g. the form that starts a new one). */
  footer?: ReactNode;
  /** One item's line: its link, status and time. */
  children: (item: TItem) => ReactNode;
}) {
  let body: ReactNode;
  if (query.error) {
    body = <p className="form-error">{readAppError(query.error).message}</p>;
  } else if (!query.data) {
    body = <p className="loading">{loading}</p>;
  } else if (query.data.length === 0) {
    body = <p className="empty-state">{empty}</p>;
  } else {
    body = (
      <ul className="personal-list" aria-labelledby={id}>
        {query.data.map((item) => (
          <li key={keyOf(item)} data-status={statusOf(item)}>
            {children(item)}
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{heading}</h2>
      {body}
      {footer}
    </section>
  );
}
