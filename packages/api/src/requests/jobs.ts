// Requests' periodic work on graphile-worker: pending requests older than REQUEST_EXPIRY_MINUTES
// expire. Its cron item runs every minute (graphile-worker's cron is minute-granular; the timer
// this replaced ran every 30 s, so a request may now outlive its cutoff by up to a minute rather
// than 30 s). graphile-worker schedules each tick once across every server instance, and
// expireStaleRequests is safe even when two runs overlap (each stale request is claimed by exactly one).
import type { Database } from "@switchboard/db";
import type { CronItem, TaskList } from "graphile-worker";
import type pino from "pino";
import { everyMinuteSweep } from "../job-queue.ts";
import type { AppEventBus } from "../live-events.ts";
import { expireStaleRequests } from "./request-lifecycle.ts";

export const REQUEST_TASKS = { expireStale: "requests:expire-stale" } as const;

export interface RequestJobDeps {
  db: Database;
  events: AppEventBus;
  log: pino.Logger;
  /** A pending request older than this expires (REQUEST_EXPIRY_MINUTES). */
  olderThanMs: number;
  /** Requests claimed per transaction (default 500). */
  batchSize?: number;
}

/** Expires every stale request, a batch per transaction; returns how many expired. */
async function expireAllStaleRequests(deps: RequestJobDeps): Promise<number> {
  const batchSize = deps.batchSize ?? 500;
  let total = 0;
  for (;;) {
    const expired = await expireStaleRequests(deps.db, deps.events, { olderThanMs: deps.olderThanMs, batchSize });
    total += expired.length;
    if (expired.length < batchSize) return total;
  }
}

export function requestTaskList(deps: RequestJobDeps): TaskList {
  return {
    [REQUEST_TASKS.expireStale]: async () => {
      const expired = await expireAllStaleRequests(deps);
      if (expired > 0) deps.log.info({ expired }, "expired stale requests");
    },
  };
}

export const requestCron: CronItem[] = [everyMinuteSweep(REQUEST_TASKS.expireStale)];
