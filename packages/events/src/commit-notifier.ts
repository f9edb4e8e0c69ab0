// Turns "transactions with events committed" into coalesced wake-ups. publish() hands its
// outbox row to the caller's COMMIT (atCommit), and the COMMIT's success calls committed().
// A commit after a quiet spell wakes the local pump and other instances (one NOTIFY: a wake-up,
// never data) at once; commits that follow within `intervalMs` share one wake-up at the end of
// that interval. PostgreSQL serialises NOTIFY at commit under a global lock, and every wake-up
// costs each instance a read of the outbox, so wake-ups are bounded by 1000 / intervalMs per
// second and instance, whatever the commit rate; the pump reads what they announce in batches.
import type pg from "pg";
import type { BusLog } from "./bus-log.ts";

export interface CommitNotifierOptions {
  pool: pg.Pool;
  log: BusLog;
  notify: { channel: string; payload: string };
  /** The local wake-up, called once per wake-up. */
  onCommitted: () => void;
  /** Least time between two wake-ups. */
  intervalMs: number;
}

export class CommitNotifier {
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastWakeAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly options: CommitNotifierOptions) {}

  /** A transaction with events committed. Safe to call from the COMMIT's own continuation. */
  committed(): void {
    if (this.stopped || this.timer || this.immediate) return;
    const wait = this.lastWakeAt + this.options.intervalMs - performance.now();
    if (wait <= 0) {
      // Commits finishing in the same turn of the event loop share this wake-up.
      this.immediate = setImmediate(() => {
        this.immediate = null;
        this.wake();
      });
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake();
      }, wait);
    }
  }

  private wake(): void {
    if (this.stopped) return;
    this.lastWakeAt = performance.now();
    this.options.onCommitted();
    this.options.pool
      .query({
        name: "switchboard-notify",
        text: "SELECT pg_notify($1, $2)",
        values: [this.options.notify.channel, this.options.notify.payload],
      })
      .catch((error: unknown) => {
        // Other instances still deliver on their periodic poll of the outbox.
        this.options.log.warn({ err: error }, "event wake-up NOTIFY failed");
      });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }
}
