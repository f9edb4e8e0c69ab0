// Revoking access reaches every open WebSocket, on every instance, within moments. A socket
// authenticates once, when it connects, so without this a signed-out session's socket would go
// on answering (and following live events) for as long as it stayed open.
//
// What revokes: sign-out (that session), expiry (a timer per socket), removal from an
// organization and a role change (every session of that person: their sockets are closed and
// reconnect, so each subscription is authorized again against what they may see now).
// The news travels as an `auth.access` event on the event bus, written in the transaction of the
// change, so it reaches every instance and cannot be lost between the change and the close.
import type { Transaction } from "@switchboard/db";
import type pino from "pino";
import type { AppEventBus, LiveConnection } from "../live-events.ts";
import type { AccessChange } from "./topics.ts";

/** The one scope of `auth.access`: every instance follows all of it (the events are rare and small). */
const ACCESS_SCOPE = "all";

/** Close codes the dashboard understands (its wsLink reconnects; a signed-out token then gets UNAUTHENTICATED). */
export const CLOSE_SIGNED_OUT = 4001;
export const CLOSE_ACCESS_CHANGED = 4003;

/** Tells every instance, in the caller's transaction, that a person's access changed. */
export function publishAccessChange(events: AppEventBus, tx: Transaction, change: AccessChange): Promise<void> {
  return events.publish(tx, "auth.access", ACCESS_SCOPE, change);
}

interface WatchedSocket {
  connection: LiveConnection;
  sessionId: string;
  userId: string;
  expiryTimer: NodeJS.Timeout | null;
}

/** setTimeout's largest delay (about 24.8 days); a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** This instance's signed-in sockets, closed when the bus says their access was revoked. */
export class SessionRevocations {
  readonly #byUser = new Map<string, Set<WatchedSocket>>();
  readonly #stop = new AbortController();
  #following: Promise<void> | null = null;

  constructor(
    private readonly events: AppEventBus,
    private readonly log: pino.Logger,
  ) {}

  /** Follows `auth.access` until stop(); resumes from its last event if the subscription ends. */
  start(): void {
    this.#following ??= this.follow();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#following;
    for (const sockets of this.#byUser.values()) for (const watched of sockets) this.#forget(watched);
  }

  /** Watches a socket that signed in with `session`; it is closed at expiry or on revocation. */
  watch(connection: LiveConnection, session: { id: string; expiresAt: Date }, userId: string): void {
    const watched: WatchedSocket = { connection, sessionId: session.id, userId, expiryTimer: null };
    const sockets = this.#byUser.get(userId) ?? new Set();
    this.#byUser.set(userId, sockets);
    sockets.add(watched);
    const arm = () => {
      const remaining = session.expiresAt.getTime() - Date.now();
      if (remaining <= 0)
        return this.#close(watched, CLOSE_SIGNED_OUT, "Your session has expired. Please sign in again.");
      watched.expiryTimer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
      watched.expiryTimer.unref();
    };
    arm();
    connection.onClosed?.(() => this.#forget(watched));
  }

  /** Sockets this instance watches (for tests and metrics). */
  watchedCount(): number {
    let count = 0;
    for (const sockets of this.#byUser.values()) count += sockets.size;
    return count;
  }

  apply(change: AccessChange): void {
    for (const watched of this.#byUser.get(change.userId) ?? []) {
      if (change.reason === "signed_out" && watched.sessionId !== change.sessionId) continue;
      if (change.reason === "signed_out") this.#close(watched, CLOSE_SIGNED_OUT, "You signed out.");
      else this.#close(watched, CLOSE_ACCESS_CHANGED, "Your access changed; reconnecting.");
    }
  }

  async follow(): Promise<void> {
    let lastEventId: string | null = this.events.headEventId();
    while (!this.#stop.signal.aborted) {
      try {
        const changes = this.events.subscribe("auth.access", ACCESS_SCOPE, { lastEventId, signal: this.#stop.signal });
        for await (const envelope of changes) {
          const [id, message] = envelope;
          lastEventId = id as string;
          if (message.type === "event") this.apply(message.payload);
        }
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        this.log.error({ err: error }, "following access revocations failed; resuming");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  #close(watched: WatchedSocket, code: number, reason: string): void {
    this.#forget(watched);
    watched.connection.close(code, reason);
  }

  #forget(watched: WatchedSocket): void {
    if (watched.expiryTimer) clearTimeout(watched.expiryTimer);
    const sockets = this.#byUser.get(watched.userId);
    sockets?.delete(watched);
    if (sockets?.size === 0) this.#byUser.delete(watched.userId);
  }
}
