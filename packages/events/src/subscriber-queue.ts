// A bounded queue between the bus's fan-out and one subscriber. Fan-out never waits on a
// subscriber: when a subscriber falls this far behind it is ended with a reason (its client
// reconnects and resumes from the outbox) instead of growing memory or slowing the others.
export class SlowSubscriberError extends Error {
  constructor(readonly limit: number) {
    super(`subscriber fell more than ${limit} events behind`);
    this.name = "SlowSubscriberError";
  }
}

export class SubscriberQueue<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (v: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private closed = false;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds an item; ends the subscriber when it is over its limit. */
  push(item: T): void {
    if (this.closed || this.failure) return;
    if (this.waiting) {
      const waiter = this.waiting;
      this.waiting = null;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.limit) {
      this.fail(new SlowSubscriberError(this.limit));
      return;
    }
    this.items.push(item);
  }

  fail(error: unknown): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    this.items.length = 0;
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = null;
    }
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    if (this.waiting) {
      this.waiting.resolve({ value: undefined, done: true });
      this.waiting = null;
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure);
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }
}
