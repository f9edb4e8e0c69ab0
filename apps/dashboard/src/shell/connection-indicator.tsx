import { connectionStateLabels } from "../api/connection-status.ts";
import { useConnectionState } from "../session/use-connection.ts";

/**
 * The realtime connection's standing state, in the header. Not a live region: the connection
 * banner (connection-banner.tsx) is the one that announces an outage, in words.
 */
export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <p className="connection" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      {connectionStateLabels[state]}
    </p>
  );
}
