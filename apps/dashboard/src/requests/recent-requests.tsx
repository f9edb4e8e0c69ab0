import { Link } from "@tanstack/react-router";
import { getQueryKey } from "@trpc/react-query";
import { upsertBy } from "../api/live-folds.ts";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";
import { PersonalList } from "../pages/personal-list.tsx";
import { formatTime, statusSummary } from "./request-labels.ts";

export type RecentRequest = NonNullable<ReturnType<typeof useRecentRequests>["data"]>[number];

/**
 * The customer's recent requests, newest first, live (`requests.onMine`): read once on the page
 * for both the list and the intake form (which needs to know whether one is still waiting).
 */
export function useRecentRequests() {
  const query = trpc.requests.mine.useQuery();
  useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.requests.mine, undefined, "query"),
    subscription: trpc.requests.onMine,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    fold: (current, { request }) => ({
      ...current,
      requests: upsertBy(current.requests, request, (line) => line.requestId).sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
      ),
    }),
  });
  return { data: query.data?.requests, error: query.error };
}

/** The customer's recent requests, each linking to its own page. */
export function RecentRequests({ mine }: { mine: ReturnType<typeof useRecentRequests> }) {
  return (
    <PersonalList
      id="recent-requests-heading"
      heading="Your recent requests"
      query={mine}
      loading="Loading your requests…"
      empty="You haven't asked for a mechanic yet."
      keyOf={(request) => request.requestId}
      statusOf={(request) => (request.replaced ? "replaced" : request.status)}
    >
      {(request) => (
        <>
          <Link to="/requests/$requestId" params={{ requestId: request.requestId }}>
            {request.vehicle}
          </Link>
          <span className="request-status">{statusSummary(request)}</span>
          <time dateTime={request.createdAt.toISOString()}>{formatTime(request.createdAt)}</time>
        </>
      )}
    </PersonalList>
  );
}
