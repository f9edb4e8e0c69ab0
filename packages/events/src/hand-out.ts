// The fan-out's hand-out queue: deliveries wait per subscriber, and subscribers are served in
// the order they got their first waiting delivery, `slice` deliveries per turn of the event
// loop (the first slice as soon as the code queueing a batch yields: a microtask). So
//   - the pump only queues a batch (cheap) and can read the next one while the last is still
//     being handed out to a large audience;
//   - a subscriber still waiting when the next batch comes gets both at once, and its socket
//     sends them in one write: under load, fan-out cost falls per event instead of rising;
//   - no turn hands out more than a slice, so API calls and commits keep running meanwhile.
// A subscriber's deliveries always reach it in the order they were queued.

export interface Receiver<D> {
  push(delivery: D): void;
}

export class HandOut<S extends Receiver<D>, D> {
  private readonly queue = new Map<S, D[]>();
  private scheduled = false;
  private count = 0;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly slice: number,
    private readonly nextTurn: (run: () => void) => void = setImmediate,
  ) {}

  /** Deliveries queued and not yet handed out. */
  get waiting(): number {
    return this.count;
  }

  /** Queues deliveries for one subscriber; the first slice of a quiet queue is handed out at once. */
  add(subscriber: S, deliveries: readonly D[]): void {
    if (!deliveries.length) return;
    const queued = this.queue.get(subscriber);
    if (queued) queued.push(...deliveries);
    else this.queue.set(subscriber, [...deliveries]);
    this.count += deliveries.length;
    if (!this.scheduled) {
      this.scheduled = true;
      // At the end of the current turn's work (a microtask), so the whole batch is queued first.
      queueMicrotask(this.run);
    }
  }

  /** Resolves when nothing is waiting. */
  drained(): Promise<void> {
    if (!this.count) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drops everything waiting (the bus is stopping). */
  clear(): void {
    this.queue.clear();
    this.count = 0;
    this.settle();
  }

  private readonly run = (): void => {
    let left = this.slice;
    for (const [subscriber, deliveries] of this.queue) {
      if (left <= 0) break;
      this.queue.delete(subscriber);
      this.count -= deliveries.length;
      left -= deliveries.length;
      for (const delivery of deliveries) subscriber.push(delivery);
    }
    if (this.queue.size) this.nextTurn(this.run);
    else this.settle();
  };

  private settle(): void {
    this.scheduled = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
