// The API's side of the event bus: every product's topics in one registry (so payload types
// reach the dashboard through AppRouter), and the glue that turns a bus subscription into a
// tRPC subscription that is safe for the connection it runs on.
import { EventBus, type EventBusOptions, SignalTooLargeError } from "@switchboard/events";
import { agentTopics } from "./agents/topics.ts";
import { authTopics } from "./auth/topics.ts";
import { coachingTopics } from "./coaching/topics.ts";
import { appError } from "./errors.ts";
import { onboardingTopics } from "./onboarding/topics.ts";
import { organizationTopics } from "./organizations/topics.ts";
import { requestTopics } from "./requests/topics.ts";
import { sessionSignals } from "./sessions/signals.ts";
import { sessionTopics } from "./sessions/topics.ts";
import type { SignalAllowance } from "./signal-allowance.ts";
import type { z } from "./validation-messages.ts";
import { directFrames } from "./wire-format.ts";

const appTopics = {
  ...authTopics,
  ...requestTopics,
  ...onboardingTopics,
  ...coachingTopics,
  ...organizationTopics,
  ...agentTopics,
  ...sessionTopics,
};

/**
 * Ephemeral signal topics (typing, presence, WebRTC signalling): never an outbox row
 * (packages/events/src/signals.ts).
 */
const appSignals = { ...sessionSignals };

export type AppTopics = typeof appTopics;
export type AppSignals = typeof appSignals;
export type AppEventBus = EventBus<AppTopics, AppSignals>;

export function createAppEventBus(
  options: Omit<EventBusOptions<AppTopics, AppSignals>, "topics" | "signalTopics">,
): AppEventBus {
  return new EventBus({ ...options, topics: appTopics, signalTopics: appSignals });
}

/** The WebSocket a subscription runs on, so a client that cannot keep up is disconnected, not buffered forever. */
export interface LiveConnection {
  bufferedAmount(): number;
  close(code: number, reason: string): void;
  /**
   * Sends a finished text frame, as UTF-8 bytes (live events are written around tRPC's loop:
   * wire-format.ts). Absent when direct frames are off: every event then goes through tRPC.
   */
  send?: ((frame: Buffer) => void) | undefined;
  /** Whether the connection is being closed: nothing more is sent on it. */
  closing?(): boolean;
  /** Calls `listener` once the connection has closed (session revocation stops watching it). */
  onClosed?(listener: () => void): void;
}

/** Bytes a WebSocket may have queued for a client before it counts as too slow. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Application close code: the client should reconnect (and resume with lastEventId). */
export const CLOSE_FELL_BEHIND = 4008;
export const FELL_BEHIND_REASON = "Fell behind on live updates; reconnect to catch up";

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
    ...(connection
      ? { backedUp: () => connection.bufferedAmount() > MAX_BUFFERED_BYTES || connection.closing?.() === true }
      : {}),
    ...(send ? { direct: directFrames(send) } : {}),
    onFellBehind: () => connection?.close(CLOSE_FELL_BEHIND, FELL_BEHIND_REASON),
  });
}

/**
 * The signals of one topic and scope for a tRPC subscription procedure (untracked: no ids, no
 * replay). Authorize before calling it, as for liveEvents. Ends with the client (`signal`).
 */
export function liveSignals<K extends keyof AppSignals & string>(
  ctx: { events: AppEventBus },
  topic: K,
  scope: string,
  options: { signal?: AbortSignal | undefined },
) {
  return ctx.events.signals(topic, scope, options);
}

export const SIGNAL_RATE_LIMITED_MESSAGE = "You're sending live updates too quickly. Please slow down for a moment.";
export const SIGNAL_TOO_LARGE_MESSAGE = "That is too large to send as a live update.";

/**
 * Sends an ephemeral signal for a procedure: takes one from the sender's allowance (per
 * WebSocket, or per auth session over HTTP: RATE_LIMITED when spent) and turns a signal too
 * large for the bus into a plain message. Delivery to other instances is best-effort (the bus
 * logs a failed NOTIFY, never throws it). Authorize before calling it.
 */
export async function sendLiveSignal<K extends keyof AppSignals & string>(
  ctx: {
    events: AppEventBus;
    connection: LiveConnection | null;
    session: { id: string } | null;
    signalAllowance: SignalAllowance;
  },
  topic: K,
  scope: string,
  payload: z.input<AppSignals[K]>,
  options: { from?: string } = {},
): Promise<void> {
  const sender = ctx.connection ?? ctx.session?.id ?? null;
  if (sender !== null && !ctx.signalAllowance.take(sender)) {
    throw appError("RATE_LIMITED", SIGNAL_RATE_LIMITED_MESSAGE, {
      retryAfterSeconds: ctx.signalAllowance.retryAfterSeconds(),
    });
  }
  try {
    await ctx.events.sendSignal(topic, scope, payload, options);
  } catch (error) {
    if (error instanceof SignalTooLargeError) throw appError("SIGNAL_TOO_LARGE", SIGNAL_TOO_LARGE_MESSAGE);
    throw error;
  }
}

/** The parts of a `ws` WebSocket (server side) that LiveSocket uses. */
interface ServerWebSocket {
  send(...args: unknown[]): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
}

/** The parts of the WebSocket's TCP socket that LiveSocket watches. */
interface SocketStream {
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  on(event: "drain" | "close", listener: () => void): unknown;
}

interface LiveSocketOptions {
  /** Bytes the TCP socket may hold unsent before further frames wait here instead. */
  highWaterBytes?: number;
  /** A frame that has waited here this long means the client is not keeping up: it is closed as fell behind. */
  maxWaitMs?: number;
  /**
   * Whether live events may be written to this socket as finished frames, around tRPC's loop
   * (LIVE_DIRECT_FRAMES; default true). Off, the socket offers no `send` and every event goes
   * through tRPC.
   */
  directFrames?: boolean;
}

/**
 * A WebSocket whose client can fall behind without taking a minute to find out. Frames ws
 * writes go to the TCP socket's buffer, and a close frame goes behind all of them: a client
 * that reads slowly met our 4008 close only after megabytes of stale events, or never, when
 * tRPC's keep-alive (its PING also waits behind them) or ws's 30 s close timeout cut the socket
 * first (a bare 1006). So only `highWaterBytes` may wait in the socket; further frames wait
 * here, in order, and go out as it drains. When one has waited `maxWaitMs`, or the subscription
 * sees too many bytes waiting, the client is closed: the frames waiting here are dropped
 * (every live event is in the outbox, and the client resumes from its lastEventId), so the
 * close frame follows only what the socket and the network already hold. Hand-written: ws has
 * no send queue of its own to bound or to drop (its `bufferedAmount` is the socket's buffer).
 */
export class LiveSocket implements LiveConnection {
  private readonly waiting: { args: unknown[]; bytes: number; at: number }[] = [];
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private isClosing = false;
  private readonly sendNow: (...args: unknown[]) => void;
  private readonly highWaterBytes: number;
  private readonly maxWaitMs: number;
  /** Sends a finished text frame (LiveConnection.send), only when direct frames are on. */
  readonly send: ((frame: Buffer) => void) | undefined;

  constructor(
    private readonly client: ServerWebSocket,
    private readonly socket: SocketStream,
    options: LiveSocketOptions = {},
  ) {
    this.highWaterBytes = Math.max(options.highWaterBytes ?? 64 * 1024, socket.writableHighWaterMark);
    this.maxWaitMs = options.maxWaitMs ?? 3000;
    // Every frame tRPC and the direct path send goes through client.send: route it through here.
    this.sendNow = client.send.bind(client);
    client.send = (...args: unknown[]) => this.write(args);
    this.send = options.directFrames === false ? undefined : (frame) => this.client.send(frame, { binary: false });
    socket.on("drain", () => this.flush());
    socket.on("close", () => this.drop());
  }

  bufferedAmount(): number {
    return this.client.bufferedAmount + this.waitingBytes;
  }

  closing(): boolean {
    return this.isClosing;
  }

  onClosed(listener: () => void): void {
    this.socket.on("close", listener);
  }

  close(code: number, reason: string): void {
    if (this.isClosing) return;
    this.isClosing = true;
    this.drop();
    this.client.close(code, reason);
  }

  private write(args: unknown[]): void {
    if (this.isClosing) return;
    if (!this.waiting.length && this.socket.writableLength < this.highWaterBytes) {
      this.sendNow(...args);
      return;
    }
    const data = args[0];
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : Buffer.isBuffer(data) ? data.length : 0;
    this.waiting.push({ args, bytes, at: Date.now() });
    this.waitingBytes += bytes;
    this.timer ??= setTimeout(this.checkWaiting, this.maxWaitMs);
  }

  /** The socket drained (ws wrote past its high-water mark, so 'drain' follows): send what waits here. */
  private flush(): void {
    while (this.waiting.length && this.socket.writableLength < this.highWaterBytes && !this.isClosing) {
      const next = this.waiting.shift()!;
      this.waitingBytes -= next.bytes;
      this.sendNow(...next.args);
    }
  }

  private readonly checkWaiting = (): void => {
    this.timer = null;
    const oldest = this.waiting[0];
    if (!oldest || this.isClosing) return;
    const waitedMs = Date.now() - oldest.at;
    if (waitedMs >= this.maxWaitMs) this.close(CLOSE_FELL_BEHIND, FELL_BEHIND_REASON);
    else this.timer = setTimeout(this.checkWaiting, this.maxWaitMs - waitedMs);
  };

  private drop(): void {
    this.waiting.length = 0;
    this.waitingBytes = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
