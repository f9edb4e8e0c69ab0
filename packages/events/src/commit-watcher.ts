// Turns "a transaction wrote events" into one coalesced wake-up after it commits. publish()
// runs inside the caller's transaction and cannot know when it commits, so the watcher asks
// PostgreSQL (pg_xact_status) in one query for all pending transactions, and wakes the local
// pump and other instances once per batch. PostgreSQL serialises NOTIFY at commit under a
// global lock, so one NOTIFY per event-bearing commit would cap write throughput; here it is
// at most one per check cycle, whatever the number of commits, sent by the check itself.
import type pg from "pg";
import type { Logger } from "pino";

export interface CommitWatcherOptions {
  pool: pg.Pool;
  log: Logger;
  /**
   * The wake-up for other instances, sent by the same statement that finds a commit: one round
   * trip per check cycle instead of two, while the writers it is watching compete for the same
   * database.
   */
  notify: { channel: string; payload: string };
  /** Called once per batch in which at least one watched transaction committed (and NOTIFY was sent). */
  onCommitted: () => void;
  firstCheckMs?: number;
  maxCheckMs?: number;
}

export class CommitWatcher {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private delayMs: number;
  private stopped = false;

  constructor(private readonly options: CommitWatcherOptions) {
    this.delayMs = options.firstCheckMs ?? 1;
  }

  watch(txId: bigint): void {
    if (this.stopped) return;
    this.pending.add(txId.toString());
    this.schedule(this.options.firstCheckMs ?? 1);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.checking || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, delayMs);
  }

  private async check(): Promise<void> {
    if (!this.pending.size || this.stopped) return;
    this.checking = true;
    const batch = [...this.pending];
    let committed = 0;
    let running = 0;
    try {
      const { rows } = await this.options.pool.query<{ tx: string; status: string | null }>({
        name: "switchboard-commit-check",
        text: `WITH s AS (SELECT tx, pg_xact_status(tx::xid8) AS status FROM unnest($1::text[]) AS tx),
         n AS (SELECT pg_notify($2, $3) FROM s WHERE status = 'committed' LIMIT 1)
         SELECT tx, status, (SELECT count(*) FROM n) AS notified FROM s`,
        values: [batch, this.options.notify.channel, this.options.notify.payload],
      });
      for (const { tx, status } of rows) {
        if (status === "in progress") {
          running++;
          continue;
        }
        this.pending.delete(tx);
        if (status === "committed") committed++;
      }
    } catch (error) {
      // The periodic poll of every instance still delivers; retry the wake-up shortly.
      this.options.log.warn({ err: error }, "commit check failed");
      running = batch.length;
    } finally {
      this.checking = false;
    }
    if (committed) this.options.onCommitted();
    if (this.pending.size) {
      // Still-running transactions: back off gently while they finish.
      this.delayMs = running
        ? Math.min(this.delayMs * 2, this.options.maxCheckMs ?? 50)
        : (this.options.firstCheckMs ?? 1);
      this.schedule(this.delayMs);
    } else {
      this.delayMs = this.options.firstCheckMs ?? 1;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending.clear();
  }
}
