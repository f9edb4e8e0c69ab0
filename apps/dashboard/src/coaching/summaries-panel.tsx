// Today's summary and this week's, written by the coach in the background. "Summarize today"
// asks for today's now; it arrives as a live update (coaching-live.ts reads this query again).
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useServerCapabilities } from "../pages/ai-off-notice.tsx";
import { FormError } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";
import { formatDay } from "./coaching-labels.ts";
import { useLiveSummaries } from "./coaching-live.ts";

export function SummariesPanel() {
  const { latest } = useLiveSummaries();
  const refresh = trpc.coaching.summaries.refreshToday.useMutation();
  const today = latest.data?.today ?? null;
  const week = latest.data?.week ?? null;
  // Asked for, queued, and no summary newer than the request has arrived yet.
  const waiting = refresh.data?.queued === true && (!today || today.updatedAt.getTime() < refresh.submittedAt);
  const nothingYet = refresh.data?.queued === false;
  const summariesOff = useServerCapabilities()?.aiSummaries === false;
  return (
    <section aria-labelledby="summaries-heading" className="panel">
      <h2 id="summaries-heading">Summaries</h2>
      <FormError message={latest.error ? readAppError(latest.error).message : null} />
      {latest.isPending && <p className="loading">Loading your summaries…</p>}
      {latest.data && (
        <div className="summary-columns">
          <section aria-labelledby="today-heading">
            <h3 id="today-heading">Today</h3>
            {today ? (
              <>
                <p className="summary-text">{today.summary}</p>
                <p className="summary-meta">
                  {formatDay(today.day)} · {today.messageCount} messages · updated {formatTime(today.updatedAt)}
                </p>
              </>
            ) : (
              <p className="empty-state">No summary of today yet.</p>
            )}
            <button
              type="button"
              className="secondary"
              disabled={refresh.isPending || waiting || summariesOff}
              onClick={() => refresh.mutate()}
            >
              {waiting ? "Your coach is writing today's summary…" : "Summarize today"}
            </button>
            {summariesOff && (
              <p className="hint">New summaries are off on this server; the ones already written stay here.</p>
            )}
            {nothingYet && (
              <p className="hint" role="status">
                Nothing to summarize yet today. Talk to your coach first.
              </p>
            )}
            <FormError message={refresh.error ? readAppError(refresh.error).message : null} />
          </section>
          <section aria-labelledby="week-heading">
            <h3 id="week-heading">This week</h3>
            {week ? (
              <>
                <p className="summary-text">{week.summary}</p>
                <p className="summary-meta">Week of {formatDay(week.weekStart)}</p>
              </>
            ) : (
              <p className="empty-state">Your first weekly summary comes at the end of the week.</p>
            )}
          </section>
        </div>
      )}
    </section>
  );
}
