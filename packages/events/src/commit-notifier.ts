// Turns "transactions with events committed" into one coalesced wake-up. publish() hands its
// outbox row to the caller's COMMIT (atCommit), and the COMMIT's success calls committed():
// the local pump is woken at once and other instances get one NOTIFY (a wake-up, never data)
// for every burst of commits. PostgreSQL serialises NOTIFY at commit under a global lock, so
// one NOTIFY per event-bearing commit would cap write throughput: here commits that land while
// a NOTIFY is being sent share the next one.
import type pg from "pg";
import type { Logger } from "pino";

export interface CommitNotifierOptions {
  pool: pg.Pool;
  log: Logger;
  notify: { channel: string; payload: string };
  /** The local wake-up, called once per burst of commits. */
  onCommitted: () => void;
}

export class CommitNotifier {
  private state: "idle" | "scheduled" | "sending" = "idle";
  private again = false;
  private stopped = false;

  constructor(private readonly options: CommitNotifierOptions) {}

  /** A transaction with events committed. Safe to call from the COMMIT's own continuation. */
  committed(): void {
    if (this.stopped) return;
    if (this.state === "sending") {
      this.again = true;
      return;
    }
    if (this.state === "scheduled") return;
    this.state = "scheduled";
    // Commits finishing in the same turn of the event loop share this wake-up.
    setImmediate(() => void this.send());
  }

  private async send(): Promise<void> {
    if (this.stopped) return;
    this.state = "sending";
    this.options.onCommitted();
    try {
      await this.options.pool.query({
        name: "switchboard-notify",
        text: "SELECT pg_notify($1, $2)",
        values: [this.options.notify.channel, this.options.notify.payload],
      });
    } catch (error) {
      // Other instances still deliver on their periodic poll of the outbox.
      this.options.log.warn({ err: error }, "event wake-up NOTIFY failed");
    }
    this.state = "idle";
    if (this.again) {
      this.again = false;
      this.committed();
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
