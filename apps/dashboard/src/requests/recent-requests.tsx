import { Link } from "@tanstack/react-router";
import { trpc } from "../api/trpc.ts";
import { PersonalList } from "../pages/personal-list.tsx";
import { formatTime, statusSummary } from "./request-labels.ts";

/** The customer's recent requests, each linking to its own page. */
export function RecentRequests() {
  const mine = trpc.requests.mine.useQuery();
  return (
    <PersonalList
      id="recent-requests-heading"
      heading="Your recent requests"
      query={mine}
      loading="Loading your requests…"
      empty="You haven't asked for a mechanic yet."
      keyOf={(request) => request.requestId}
      statusOf={(request) => request.status}
    >
      {(request) => (
        <>
          <Link to="/requests/$requestId" params={{ requestId: request.requestId }}>
            {request.vehicle}
          </Link>
          <span className="request-status">{statusSummary(request.status, request.mechanicName)}</span>
          <time dateTime={request.createdAt.toISOString()}>{formatTime(request.createdAt)}</time>
        </>
      )}
    </PersonalList>
  );
}
