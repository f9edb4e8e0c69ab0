// The live connection as components read it: its state, and a cue when it is back after a pause.
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { ConnectionState } from "../api/connection-status.ts";
import { useSessionSnapshot } from "./session-provider.tsx";

export function useConnectionState(): ConnectionState {
  const { connection } = useSessionSnapshot().clients;
  return useSyncExternalStore(connection.subscribe, connection.getState);
}

/**
 * Calls `onRecovered` each time the connection is live again after live updates were paused,
 * e.g. to clear an error shown during the outage or restart a subscription that gave up.
 */
export function useConnectionRecovered(onRecovered: () => void): void {
  const { connection } = useSessionSnapshot().clients;
  const recoveries = useSyncExternalStore(connection.subscribe, connection.getRecoveries);
  const callback = useRef(onRecovered);
  callback.current = onRecovered;
  const seen = useRef(recoveries);
  useEffect(() => {
    if (recoveries === seen.current) return;
    seen.current = recoveries;
    callback.current();
  }, [recoveries]);
}
