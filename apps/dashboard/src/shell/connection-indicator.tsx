import { useSyncExternalStore } from "react";
import { connectionStateLabels } from "../api/connection-status.ts";
import { useSessionSnapshot } from "../session/session-provider.tsx";

/** The realtime connection's state; a polite live region, so changes are announced, not shouted. */
export function ConnectionIndicator() {
  const { connection } = useSessionSnapshot().clients;
  const state = useSyncExternalStore(connection.subscribe, connection.getState);
  return (
    <p className="connection" data-state={state} role="status">
      <span className="connection-dot" aria-hidden="true" />
      {connectionStateLabels[state]}
    </p>
  );
}
