import type { ReactNode } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { Link } from "../routing/router.tsx";
import { businessNameOf, formatTime, onboardingPath, onboardingStatusSummaries } from "./onboarding-labels.ts";

/** The person's earlier onboardings, newest first, each linking to its own page. */
export function MyOnboardings() {
  const mine = trpc.onboarding.mine.useQuery();

  let body: ReactNode;
  if (mine.error) {
    body = <p className="form-error">{readAppError(mine.error).message}</p>;
  } else if (!mine.data) {
    body = <p className="loading">Loading your onboardings…</p>;
  } else if (mine.data.length === 0) {
    body = <p className="empty-state">You haven't started an onboarding yet.</p>;
  } else {
    body = (
      <ul className="onboarding-list" aria-labelledby="my-onboardings-heading">
        {mine.data.map((session) => (
          <li key={session.id} data-status={session.status}>
            <Link href={onboardingPath(session.id)}>{businessNameOf(session.requestData)}</Link>
            <span className="onboarding-status">{onboardingStatusSummaries[session.status]}</span>
            <time dateTime={new Date(session.createdAt).toISOString()}>{formatTime(session.createdAt)}</time>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <section aria-labelledby="my-onboardings-heading" className="panel">
      <h2 id="my-onboardings-heading">Your onboardings</h2>
      {body}
    </section>
  );
}
