// Requests' periodic work on graphile-worker: open requests older than REQUEST_EXPIRY_MINUTES
// expire, and mechanics who did not join an accepted request's session by its joinBy are
// released (join-timeout.ts). Both cron items run every minute (a release may so come up to a
// minute after joinBy) (graphile-worker's cron is minute-granular; the timer
// this replaced ran every 30 s, so a request may now outlive its cutoff by up to a minute rather
// than 30 s). graphile-worker schedules each tick once across every server instance, and
// both sweeps are safe even when two runs overlap (each row is claimed by exactly one).
import type { Database } from "@switchboard/db";
import type { CronItem, TaskList } from "graphile-worker";
import type pino from "pino";
import { everyMinuteSweep } from "../job-queue.ts";
import type { AppEventBus } from "../live-events.ts";
import { releaseUnjoinedSessions } from "./join-timeout.ts";
import { expireStaleRequests } from "./request-lifecycle.ts";

export const REQUEST_TASKS = {
  expireStale: "requests:expire-stale",
  releaseUnjoined: "requests:release-unjoined",
} as const;

export interface RequestJobDeps {
  db: Database;
  events: AppEventBus;
  log: pino.Logger;
  /** An open request older than this expires (REQUEST_EXPIRY_MINUTES): pending since made, unattended since back on the board. */
  olderThanMs: number;
  /** Requests claimed per transaction (default 500). */
  batchSize?: number;
}

/** Runs a sweep a batch per transaction until a batch comes back short; returns how many rows it changed. */
async function sweepAll(batchSize: number, sweep: (batchSize: number) => Promise<string[]>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await sweep(batchSize);
    total += changed.length;
    if (changed.length < batchSize) return total;
  }
}

export function requestTaskList(deps: RequestJobDeps): TaskList {
  const batchSize = deps.batchSize ?? 500;
  return {
    [REQUEST_TASKS.expireStale]: async () => {
      const expired = await sweepAll(batchSize, (size) =>
        expireStaleRequests(deps.db, deps.events, { olderThanMs: deps.olderThanMs, batchSize: size }),
      );
      if (expired > 0) deps.log.info({ expired }, "expired stale requests");
    },
    [REQUEST_TASKS.releaseUnjoined]: async () => {
      const now = new Date();
      const released = await sweepAll(batchSize, (size) =>
        releaseUnjoinedSessions(deps.db, deps.events, { now, batchSize: size }),
      );
      if (released > 0) deps.log.info({ released }, "released mechanics who did not join in time");
    },
  };
}

export const requestCron: CronItem[] = [
  everyMinuteSweep(REQUEST_TASKS.expireStale),
  everyMinuteSweep(REQUEST_TASKS.releaseUnjoined),
];
