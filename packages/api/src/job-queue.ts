// Adding background jobs to graphile-worker's queue (PostgreSQL, schema `graphile_worker`) with
// plain SQL on a Prisma client or inside a Prisma transaction: a job added in a transaction
// exists if and only if that transaction commits, like the events published beside it. The
// queue exists only where a worker migrated graphile-worker's schema and runs the tasks
// (apps/server starts it); without one, nothing is queued.
import type { Database, Transaction } from "@switchboard/db";
import type { CronItem } from "graphile-worker";

export interface JobOptions {
  /**
   * At most one waiting job per key. "replace" (default) updates a waiting job (and resets its
   * retries); "unsafe_dedupe" adds nothing while any job with the key exists, running,
   * retrying or failed for good.
   */
  jobKey?: string;
  jobKeyMode?: "replace" | "unsafe_dedupe";
  /** Attempts before the job counts as failed for good (graphile-worker backs off exponentially between them). */
  maxAttempts?: number;
}

export class JobQueue {
  /** Returns the job's id (graphile-worker's bigint, as text). */
  async add(
    client: Database | Transaction,
    task: string,
    payload: Record<string, unknown>,
    options: JobOptions = {},
  ): Promise<string> {
    const [job] = await client.$queryRaw<{ id: string }[]>`
      SELECT (graphile_worker.add_job(
        identifier => ${task}::text,
        payload => ${JSON.stringify(payload)}::json,
        max_attempts => ${options.maxAttempts ?? null}::int,
        job_key => ${options.jobKey ?? null}::text,
        job_key_mode => ${options.jobKeyMode ?? "replace"}::text
      )).id::text AS id`;
    return job!.id;
  }
}

/**
 * A sweep that runs every minute on whichever instance claims the tick. A failed run is not
 * retried: the next minute's run does the same work; the job key keeps one row however many
 * runs fail in a row.
 */
export function everyMinuteSweep(task: string): CronItem {
  return { task, match: "* * * * *", identifier: task, options: { backfillPeriod: 0, maxAttempts: 1, jobKey: task } };
}
