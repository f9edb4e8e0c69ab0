import type { LiveProblem } from "../api/live-updates.ts";

/** Says that a page's live updates stopped, and why, with a button to reconnect; nothing while they run. */
export function LiveUpdatesAlert({ problem }: { problem: LiveProblem | null }) {
  if (!problem) return null;
  return (
    <div className="form-error" role="alert">
      <p>Live updates stopped: {problem.error.message}</p>
      <button type="button" className="secondary" onClick={problem.retry}>
        Reconnect
      </button>
    </div>
  );
}
