import { Link } from "@tanstack/react-router";
import { getQueryKey } from "@trpc/react-query";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";
import { PersonalList } from "../pages/personal-list.tsx";
import { businessNameOf, formatTime, onboardingStatusSummaries } from "./onboarding-labels.ts";

/**
 * The person's onboardings, live: `onboarding.onMine` says which one changed, and the list (20
 * at most) reads itself again — its rows carry the request as submitted, which no event repeats.
 */
function useMyOnboardings() {
  const query = trpc.onboarding.mine.useQuery();
  useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.onboarding.mine, undefined, "query"),
    subscription: trpc.onboarding.onMine,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
  });
  return { data: query.data?.sessions, error: query.error };
}

/** The person's earlier onboardings, newest first, each linking to its own page. */
export function MyOnboardings() {
  const mine = useMyOnboardings();
  return (
    <PersonalList
      id="my-onboardings-heading"
      heading="Your onboardings"
      query={mine}
      loading="Loading your onboardings…"
      empty="You haven't started an onboarding yet."
      keyOf={(session) => session.id}
      statusOf={(session) => session.status}
    >
      {(session) => (
        <>
          <Link to="/onboarding/$sessionId" params={{ sessionId: session.id }}>
            {businessNameOf(session.requestData)}
          </Link>
          <span className="onboarding-status">{onboardingStatusSummaries[session.status]}</span>
          <time dateTime={session.createdAt.toISOString()}>{formatTime(session.createdAt)}</time>
        </>
      )}
    </PersonalList>
  );
}
