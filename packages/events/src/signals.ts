// Ephemeral signals (typing, presence, WebRTC signalling): small messages that must reach the
// other participant on whichever instance it is connected to, without writing a row. They travel
// as payload NOTIFYs on their own channel (never the outbox), so they are best-effort by design:
// a listener that is reconnecting misses what was sent meanwhile (PostgreSQL queues nothing for a
// disconnected listener), a subscriber that falls behind loses its oldest ones, and a signal cut
// into parts is dropped when a part does not arrive. Nothing that must not be lost goes here.
import { randomUUID } from "node:crypto";

/** A signal as a subscriber receives it: no id, no replay. */
export interface SignalMessage<TPayload> {
  topic: string;
  scope: string;
  payload: TPayload;
  /** Who sent it, as the sender chose to say (e.g. a participant's role). */
  from?: string;
  /** When the sending instance sent it (ISO 8601). */
  at: string;
}

/** Encoded signals above this are refused: a WebRTC offer is 5–10 KB, nothing legitimate is near it. */
export const MAX_SIGNAL_BYTES = 64 * 1024;
/**
 * A NOTIFY payload must stay under 8000 bytes. A signal encoded above SINGLE_PART_BYTES is cut
 * into parts of PART_BYTES, base64-encoded (a cut may fall inside a UTF-8 sequence): 4,500 bytes
 * become 6,000 characters, plus a small header, well under the limit.
 */
const SINGLE_PART_BYTES = 7000;
const PART_BYTES = 4500;

export class SignalTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`signal of ${bytes} bytes is above the ${MAX_SIGNAL_BYTES}-byte limit`);
    this.name = "SignalTooLargeError";
  }
}

/** What one NOTIFY carries: a whole signal (m), or part n of t of signal s (d, base64). */
type SignalNotice =
  | { i: string; m: SignalMessage<unknown> }
  | { i: string; s: string; n: number; t: number; d: string };

/** The NOTIFY payloads for one signal from instance `instanceId`; throws SignalTooLargeError. */
export function signalNotices(instanceId: string, message: SignalMessage<unknown>): string[] {
  const encoded = Buffer.from(JSON.stringify(message), "utf8");
  if (encoded.length > MAX_SIGNAL_BYTES) throw new SignalTooLargeError(encoded.length);
  if (encoded.length <= SINGLE_PART_BYTES)
    return [JSON.stringify({ i: instanceId, m: message } satisfies SignalNotice)];
  const id = randomUUID();
  const total = Math.ceil(encoded.length / PART_BYTES);
  const notices: string[] = [];
  for (let n = 0; n < total; n++) {
    const d = encoded.subarray(n * PART_BYTES, (n + 1) * PART_BYTES).toString("base64");
    notices.push(JSON.stringify({ i: instanceId, s: id, n, t: total, d } satisfies SignalNotice));
  }
  return notices;
}

interface PartialSignal {
  parts: (string | undefined)[];
  received: number;
  firstAt: number;
}

/**
 * Puts signals from other instances back together. Parts of one signal arrive in order on one
 * connection (one NOTIFY query sends them all), but another instance's parts may interleave and
 * a drop of the listener may lose some: incomplete signals are forgotten after `maxAgeMs`, and
 * at most `maxPending` are held (oldest dropped first), so memory stays bounded (64 KB each).
 */
export class SignalReassembly {
  private readonly pending = new Map<string, PartialSignal>();

  constructor(
    private readonly ownInstanceId: string,
    private readonly onDropped: () => void,
    private readonly maxAgeMs = 5000,
    private readonly maxPending = 128,
  ) {}

  /** A NOTIFY payload: the signal it completes, or null (own, partial, or malformed). */
  accept(payload: string, now = Date.now()): SignalMessage<unknown> | null {
    let notice: SignalNotice;
    try {
      notice = JSON.parse(payload) as SignalNotice;
    } catch {
      return null;
    }
    if (typeof notice !== "object" || notice === null || notice.i === this.ownInstanceId) return null;
    if ("m" in notice) return notice.m;
    this.expire(now);
    const { s, n, t, d } = notice;
    if (typeof s !== "string" || !Number.isInteger(n) || !Number.isInteger(t) || n < 0 || n >= t) return null;
    if (t * PART_BYTES > MAX_SIGNAL_BYTES + PART_BYTES) return null;
    const key = `${notice.i}:${s}`;
    let partial = this.pending.get(key);
    if (!partial) {
      if (this.pending.size >= this.maxPending) this.dropOldest();
      partial = { parts: new Array(t), received: 0, firstAt: now };
      this.pending.set(key, partial);
    }
    if (partial.parts.length !== t || partial.parts[n] !== undefined) return null;
    partial.parts[n] = d;
    partial.received++;
    if (partial.received < t) return null;
    this.pending.delete(key);
    try {
      const bytes = Buffer.concat(partial.parts.map((part) => Buffer.from(part!, "base64")));
      return JSON.parse(bytes.toString("utf8")) as SignalMessage<unknown>;
    } catch {
      this.onDropped();
      return null;
    }
  }

  /** Signals still waiting for parts (for tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  private expire(now: number): void {
    // Map order is insertion order, so the oldest come first.
    for (const [key, partial] of this.pending) {
      if (now - partial.firstAt < this.maxAgeMs) break;
      this.pending.delete(key);
      this.onDropped();
    }
  }

  private dropOldest(): void {
    const oldest = this.pending.keys().next();
    if (oldest.done) return;
    this.pending.delete(oldest.value);
    this.onDropped();
  }
}

/**
 * One subscriber's signals, as an async iterable. Fan-out never waits on it: signals it has not
 * taken yet wait in a bounded buffer, and when that is full the oldest is dropped (a stale
 * "typing" is worth nothing; unlike events there is nothing to resume from, so ending the
 * subscriber would lose more). It ends when `close` is called (abort, bus stop).
 */
export class SignalFeed<T> implements AsyncIterableIterator<SignalMessage<T>> {
  private readonly buffer: SignalMessage<T>[] = [];
  private waiter: ((result: IteratorResult<SignalMessage<T>, undefined>) => void) | null = null;
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly onDropped: () => void,
    private readonly onEnd: () => void,
  ) {}

  push(message: SignalMessage<T>): void {
    if (this.closed) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: message, done: false });
      return;
    }
    if (this.buffer.length >= this.limit) {
      this.buffer.shift();
      this.onDropped();
    }
    this.buffer.push(message);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.onEnd();
    const resolve = this.waiter;
    this.waiter = null;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<SignalMessage<T>, undefined>> {
    const message = this.buffer.shift();
    if (message) return Promise.resolve({ value: message, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<SignalMessage<T>, undefined>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
