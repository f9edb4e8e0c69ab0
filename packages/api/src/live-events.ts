// The API's side of the event bus: every product's topics in one registry (so payload types
// reach the dashboard through AppRouter), and the glue that turns a bus subscription into a
// tRPC subscription that is safe for the connection it runs on.
import { EventBus, type EventBusOptions } from "@switchboard/events";
import { coachingTopics } from "./coaching/topics.ts";
import { onboardingTopics } from "./onboarding/topics.ts";
import { organizationTopics } from "./organizations/topics.ts";
import { requestTopics } from "./requests/topics.ts";
import { directFrames } from "./wire-format.ts";

export const appTopics = {
  ...requestTopics,
  ...onboardingTopics,
  ...coachingTopics,
  ...organizationTopics,
};

export type AppTopics = typeof appTopics;
export type AppEventBus = EventBus<AppTopics>;

export function createAppEventBus(options: Omit<EventBusOptions<AppTopics>, "topics">): AppEventBus {
  return new EventBus({ ...options, topics: appTopics });
}

/** The WebSocket a subscription runs on, so a client that cannot keep up is disconnected, not buffered forever. */
export interface LiveConnection {
  bufferedAmount(): number;
  close(code: number, reason: string): void;
  /** Sends a finished text frame, as UTF-8 bytes (live events are written around tRPC's loop: wire-format.ts). */
  send?(frame: Buffer): void;
}

/** Bytes a WebSocket may have queued for a client before it counts as too slow. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Application close code: the client should reconnect (and resume with lastEventId). */
export const CLOSE_FELL_BEHIND = 4008;

/**
 * A bus subscription for a tRPC subscription procedure. When the client falls behind (the
 * socket's send buffer or the bus's per-subscriber buffer is full) its socket is closed with
 * a reason; its wsLink reconnects and resumes from the outbox with lastEventId, losing nothing.
 * Returns the bus's own iterable: no extra generator layer per event and subscriber.
 */
export function liveEvents<K extends keyof AppTopics & string>(
  ctx: { events: AppEventBus; connection: LiveConnection | null },
  topic: K,
  scope: string,
  options: { lastEventId?: string | null | undefined; signal?: AbortSignal | undefined },
) {
  const connection = ctx.connection;
  const send = connection?.send?.bind(connection);
  return ctx.events.subscribe(topic, scope, {
    ...options,
    ...(connection ? { backedUp: () => connection.bufferedAmount() > MAX_BUFFERED_BYTES } : {}),
    ...(send ? { direct: directFrames(send) } : {}),
    onFellBehind: () => connection?.close(CLOSE_FELL_BEHIND, "Fell behind on live updates; reconnect to catch up"),
  });
}
