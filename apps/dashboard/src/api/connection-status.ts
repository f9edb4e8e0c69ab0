// The state of the realtime (WebSocket) connection as a person should understand it. The
// tRPC WebSocket client keeps retrying forever; after a few failed attempts in a row we say
// "Offline" rather than "Reconnecting…" forever, while it quietly keeps trying.

export type ConnectionState = "connecting" | "live" | "reconnecting" | "catchingUp" | "offline";

export const connectionStateLabels: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  catchingUp: "Catching up…",
  offline: "Offline",
};

/**
 * Live updates are paused: the socket is down and being retried (or the browser has no network).
 * Connecting for the first time is not "paused", nor is catching up, which resumes at once.
 */
export function updatesPaused(state: ConnectionState): boolean {
  return state === "reconnecting" || state === "offline";
}

/**
 * The server's close code for a connection that fell behind on live updates (CLOSE_FELL_BEHIND
 * in packages/api live-events.ts; not imported, to keep server code out of the bundle): the
 * client reconnects and resumes from its last event, so nothing is lost, only late.
 */
const CLOSE_FELL_BEHIND = 4008;

/** Failed attempts in a row (about 3.5 s with the backoff below) before we call it offline. */
const OFFLINE_AFTER_FAILED_ATTEMPTS = 3;

/** 0 ms, then 500 ms doubling, capped at 10 s, with jitter so many tabs don't retry in lockstep. */
export function reconnectDelayMs(attemptIndex: number): number {
  if (attemptIndex === 0) return 0;
  const base = Math.min(500 * 2 ** (attemptIndex - 1), 10_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class ConnectionStatus {
  private state: ConnectionState = "connecting";
  private socketOpen = false;
  private everOpened = false;
  /** Failed attempts since the socket was last open. */
  private failedAttempts = 0;
  /** The server closed us for falling behind: reconnecting is catching up. */
  private fellBehind = false;
  private disposed = false;
  /** Times the connection came back after live updates were paused (see `updatesPaused`). */
  private recoveries = 0;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): ConnectionState => this.state;

  /** Grows by one each time the connection is live again after a pause: the cue to clear and refetch. */
  readonly getRecoveries = (): number => this.recoveries;

  /** The socket opened (tRPC's onOpen). */
  opened(): void {
    this.socketOpen = true;
    this.everOpened = true;
    this.failedAttempts = 0;
    this.fellBehind = false;
    this.update();
  }

  /** The socket closed or a connection attempt failed (tRPC's onClose, with the close code); the client retries. */
  lostConnection(cause?: { code?: number }): void {
    if (this.socketOpen) this.fellBehind = cause?.code === CLOSE_FELL_BEHIND;
    this.socketOpen = false;
    this.failedAttempts += 1;
    this.update();
  }

  /**
   * The browser's own network signal (window online/offline events). A socket can outlive a
   * short network drop, so coming back online shows whatever the socket really is.
   */
  networkChanged(): void {
    this.update();
  }

  /** This connection was replaced (sign-in or sign-out); its closing is not news. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private update(): void {
    const next = this.derive();
    if (this.disposed || next === this.state) return;
    if (next === "live" && updatesPaused(this.state)) this.recoveries += 1;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private derive(): ConnectionState {
    if (browserIsOffline()) return "offline";
    if (this.socketOpen) return "live";
    if (this.failedAttempts > OFFLINE_AFTER_FAILED_ATTEMPTS) return "offline";
    if (this.fellBehind) return "catchingUp";
    return this.everOpened ? "reconnecting" : "connecting";
  }
}

function browserIsOffline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}
