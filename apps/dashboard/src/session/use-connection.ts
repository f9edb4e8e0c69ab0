// The live connection as components read it: its state, and a cue when it is back after a pause.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { isOutageError } from "../api/app-error.ts";
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

/**
 * A problem a page keeps in its own state (not a query's or mutation's error, which the cache
 * clears itself): set with the error that caused it, and cleared when that error only said "no
 * connection" and the connection is back.
 */
export function useOutageAwareProblem<TProblem>(): readonly [
  TProblem | null,
  (problem: TProblem | null, cause?: unknown) => void,
] {
  const [problem, setProblem] = useState<{ value: TProblem; outage: boolean } | null>(null);
  useConnectionRecovered(() => setProblem((current) => (current?.outage ? null : current)));
  const show = useCallback(
    (value: TProblem | null, cause?: unknown) =>
      setProblem(value === null ? null : { value, outage: isOutageError(cause) }),
    [],
  );
  return [problem?.value ?? null, show] as const;
}
