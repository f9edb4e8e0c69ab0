// The Coaching product at /coaching: the first run asks who the person is; after that, today's
// and this week's summaries, action items, goals, coaching sessions and conversations.
import { Link } from "@tanstack/react-router";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { AiOffNotice, useServerCapabilities } from "../pages/ai-off-notice.tsx";
import { FormError } from "../pages/form-fields.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { ActionItemsPanel } from "./action-items-panel.tsx";
import { CoachingSessionsPanel } from "./coaching-sessions-panel.tsx";
import { CoachingWelcome } from "./coaching-welcome.tsx";
import { ConversationsPanel } from "./conversations-panel.tsx";
import { GoalsBoard } from "./goals-board.tsx";
import { SummariesPanel } from "./summaries-panel.tsx";
import "./coaching.css";

export function CoachingPage() {
  useDocumentTitle("Coaching");
  const profile = trpc.coaching.profile.get.useQuery();
  const business = trpc.coaching.business.get.useQuery();
  const loaded = profile.isSuccess && business.isSuccess;
  const problem = profile.error ?? business.error;
  const aiOff = useServerCapabilities()?.aiReplies === false;
  return (
    <section aria-labelledby="page-heading" className="coaching-page">
      <h1 id="page-heading">Coaching</h1>
      <p className="lead">Your coach, with your goals, your conversations and what came of them.</p>
      {aiOff && (
        <AiOffNotice>
          Your coach can't answer messages or write summaries here. Your goals, action items, coaching sessions and past
          conversations all still work.
        </AiOffNotice>
      )}
      <FormError message={problem ? readAppError(problem).message : null} />
      {!loaded && !problem && <p className="loading">Loading your coaching…</p>}
      {loaded &&
        (profile.data?.onboardingCompleted ? (
          <>
            <p>
              <Link to="/coaching/usage">See your usage</Link>
            </p>
            <SummariesPanel />
            <ActionItemsPanel />
            <ConversationsPanel />
            <GoalsBoard />
            <CoachingSessionsPanel />
          </>
        ) : (
          <CoachingWelcome profile={profile.data} business={business.data} />
        ))}
    </section>
  );
}
