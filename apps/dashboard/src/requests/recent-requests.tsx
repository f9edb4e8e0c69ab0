import type { ReactNode } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { Link } from "../routing/router.tsx";
import { formatTime, requestPath, statusSummary } from "./request-labels.ts";

/** The customer's recent requests, each linking to its own page. */
export function RecentRequests() {
  const mine = trpc.requests.mine.useQuery();

  let body: ReactNode;
  if (mine.error) {
    body = <p className="form-error">{readAppError(mine.error).message}</p>;
  } else if (!mine.data) {
    body = <p className="loading">Loading your requests…</p>;
  } else if (mine.data.length === 0) {
    body = <p className="empty-state">You haven't asked for a mechanic yet.</p>;
  } else {
    body = (
      <ul className="recent-requests" aria-labelledby="recent-requests-heading">
        {mine.data.map((request) => (
          <li key={request.requestId} data-status={request.status}>
            <Link href={requestPath(request.requestId)}>{request.vehicle}</Link>
            <span className="request-status">{statusSummary(request.status, request.mechanicName)}</span>
            <time dateTime={request.createdAt}>{formatTime(request.createdAt)}</time>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section aria-labelledby="recent-requests-heading" className="panel">
      <h2 id="recent-requests-heading">Your recent requests</h2>
      {body}
    </section>
  );
}
