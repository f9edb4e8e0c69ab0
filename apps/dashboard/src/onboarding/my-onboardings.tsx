import { Link } from "@tanstack/react-router";
import { trpc } from "../api/trpc.ts";
import { PersonalList } from "../pages/personal-list.tsx";
import { businessNameOf, formatTime, onboardingStatusSummaries } from "./onboarding-labels.ts";

/** The person's earlier onboardings, newest first, each linking to its own page. */
export function MyOnboardings() {
  const mine = trpc.onboarding.mine.useQuery();
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
