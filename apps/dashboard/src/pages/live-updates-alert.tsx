import type { LiveProblem } from "../api/live-updates.ts";
import { useConnectionRecovered } from "../session/use-connection.ts";

/**
 * Says that a page's live updates stopped, and why, with a button to reconnect; nothing while
 * they run. When the connection comes back after an outage the subscription is restarted by
 * itself (from the page's last event), so an error from the outage does not outlive it.
 */
export function LiveUpdatesAlert({ problem }: { problem: LiveProblem | null }) {
  useConnectionRecovered(() => problem?.retry());
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
