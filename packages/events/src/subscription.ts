// One subscriber of the bus, as the async iterator its tRPC subscription consumes. It is written
// out by hand rather than as an async generator over a queue: a live event then reaches tRPC's
// loop as one promise resolved by the fan-out, instead of a queue promise, a generator
// resumption and a yield per subscriber — a thousand of each per event on a busy scope.
//
// Fan-out never waits on a subscriber: events it has not taken yet wait in a bounded buffer,
// and one that falls that far behind is ended with a reason (its client reconnects and resumes
// from the outbox) instead of growing memory or slowing the others.
import { comparePositions, type EventPosition } from "./event-position.ts";

/** Why a subscriber was ended: it fell this far behind (its client reconnects and resumes from the outbox). */
export class SlowSubscriberError extends Error {
  constructor(readonly limit: number) {
    super(`subscriber fell more than ${limit} events behind`);
    this.name = "SlowSubscriberError";
  }
}

/** An event as handed to a subscriber: where it sits in delivery order, and what it sends. */
export interface Delivery<E> {
  position: EventPosition;
  envelope: E;
}

export interface SubscriptionOptions<E> {
  /** Events the subscriber may fall behind before it is ended. */
  limit: number;
  /**
   * Runs on the first next(), as an async generator's body would: registers the subscriber for
   * live events (it may throw, rejecting that next()) and returns what it must replay first.
   */
  begin: () => { cursor: EventPosition | null; catchUp: AsyncIterator<Delivery<E>, void> | null };
  /** Runs once when the subscription ends, however it ends. */
  end: () => void;
  /** Whether the consumer's connection is too backed up to be handed more. */
  backedUp?: (() => boolean) | undefined;
  /**
   * Called when the subscriber is ended for falling behind; the iterator then finishes. Without
   * it, a buffer overflow rejects next() with SlowSubscriberError.
   */
  onFellBehind?: (() => void) | undefined;
  /** Counts every subscriber ended for falling behind. */
  countFellBehind: () => void;
  /** Counts every event written directly (so tests and benchmarks can tell the fast path ran). */
  countSentDirect?: (() => void) | undefined;
  /** A way around the iterator for live events, when the consumer's transport offers one. */
  direct?: DirectDelivery<E> | undefined;
}

/**
 * Live events written straight to the consumer's connection instead of through the iterator:
 * for a WebSocket subscription, tRPC's per-event loop (a race of promises, a response object
 * and its transformation per subscriber) cost more than the write itself. The subscription
 * only writes directly while its consumer is waiting in next(), so nothing it yielded earlier
 * can still be on its way: frames stay in delivery order.
 */
export interface DirectDelivery<E> {
  /** Writes the event to the consumer; false when it cannot (yet), and the iterator yields it. */
  send(envelope: E): boolean;
  /** The envelope as the iterator yields it, so the transport can learn how to write directly. */
  tag(envelope: E): E;
}

const DONE: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });
/** hand(): the event was written directly; the consumer keeps waiting. */
const SENT = Symbol("sent");

export class Subscription<E> implements AsyncGenerator<E, void, unknown> {
  private state: "new" | "catchingUp" | "live" | "ended" = "new";
  private readonly buffer: Delivery<E>[] = [];
  private waiter: { resolve: (result: IteratorResult<E, void>) => void; reject: (error: unknown) => void } | null =
    null;
  private failure: unknown = null;
  private catchUp: AsyncIterator<Delivery<E>, void> | null = null;
  /**
   * The last position replayed (or the client's lastEventId): live deliveries at or before it
   * were already sent. The fan-out delivers in order, so once one passes it, all later ones do.
   */
  private floor: EventPosition | null = null;

  constructor(private readonly options: SubscriptionOptions<E>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** From the fan-out: never waits, never throws. */
  push(delivery: Delivery<E>): void {
    if (this.state === "ended" || this.failure) return;
    const waiter = this.waiter;
    if (waiter) {
      // A waiting consumer means an empty buffer: everything before this event has been handed.
      const result = this.hand(delivery);
      if (!result || result === SENT) return;
      this.waiter = null;
      waiter.resolve(result);
      return;
    }
    if (this.buffer.length >= this.options.limit) {
      this.fail(new SlowSubscriberError(this.options.limit));
      return;
    }
    this.buffer.push(delivery);
  }

  /** Ends the subscription (abort, bus stopping): a pending next() finishes. */
  close(): void {
    this.finish();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(DONE);
  }

  next(): Promise<IteratorResult<E, void>> {
    if (this.waiter) return Promise.reject(new Error("a subscription is read one next() at a time"));
    if (this.state === "new") {
      try {
        const { cursor, catchUp } = this.options.begin();
        this.floor = cursor;
        this.catchUp = catchUp;
        if (this.state === "new") this.state = catchUp ? "catchingUp" : "live";
      } catch (error) {
        this.finish();
        return Promise.reject(error);
      }
    }
    if (this.state === "catchingUp") return this.nextReplayed();
    return this.nextLive();
  }

  async return(): Promise<IteratorResult<E, void>> {
    const catchUp = this.catchUp;
    this.close();
    await catchUp?.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<E, void>> {
    await this.return();
    throw error;
  }

  private async nextReplayed(): Promise<IteratorResult<E, void>> {
    const catchUp = this.catchUp!;
    let result: IteratorResult<Delivery<E>, void>;
    try {
      result = await catchUp.next();
    } catch (error) {
      this.finish();
      throw error;
    }
    if (this.state === "ended") {
      await catchUp.return?.();
      return DONE;
    }
    if (result.done) {
      this.catchUp = null;
      this.state = "live";
      return this.nextLive();
    }
    this.floor = result.value.position;
    return { value: result.value.envelope, done: false };
  }

  private nextLive(): Promise<IteratorResult<E, void>> {
    if (this.failure) return this.fellBehind(this.failure);
    let delivery = this.buffer.shift();
    while (delivery) {
      const result = this.hand(delivery);
      if (result && result !== SENT) return Promise.resolve(result);
      delivery = this.buffer.shift();
    }
    if (this.state === "ended") return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * What the consumer gets for a delivery: null to skip it (already replayed), SENT when it was
   * written directly. Called only while the consumer is asking for the next event.
   */
  private hand(delivery: Delivery<E>): IteratorResult<E, void> | typeof SENT | null {
    if (this.floor) {
      if (comparePositions(delivery.position, this.floor) <= 0) return null;
      this.floor = null;
    }
    if (this.options.backedUp?.()) return this.endBehind();
    const direct = this.options.direct;
    if (!direct) return { value: delivery.envelope, done: false };
    try {
      if (direct.send(delivery.envelope)) {
        this.options.countSentDirect?.();
        return SENT;
      }
    } catch {
      // The fan-out goes on for everyone else; this client resumes from the outbox.
      return this.endBehind();
    }
    return { value: direct.tag(delivery.envelope), done: false };
  }

  private endBehind(): typeof DONE {
    this.options.countFellBehind();
    this.options.onFellBehind?.();
    this.finish();
    return DONE;
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.buffer.length = 0;
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    this.fellBehind(error).then(waiter.resolve, waiter.reject);
  }

  private fellBehind(error: unknown): Promise<IteratorResult<E, void>> {
    this.failure = null;
    this.finish();
    if (!(error instanceof SlowSubscriberError) || !this.options.onFellBehind) return Promise.reject(error);
    this.options.countFellBehind();
    this.options.onFellBehind();
    return Promise.resolve(DONE);
  }

  private finish(): void {
    if (this.state === "ended") return;
    this.state = "ended";
    this.buffer.length = 0;
    this.options.end();
  }
}
