// The background job worker of a server process, the one home of periodic work: graphile-worker
// over the same PostgreSQL (its own schema, `graphile_worker`, which it migrates itself). Safe
// with any number of instances: jobs are claimed with FOR UPDATE SKIP LOCKED, and each cron tick
// is scheduled once (graphile-worker's known_crontabs). Its logs go through the process's logger.
import type { Database } from "@switchboard/db";
import type { OpenAIClient } from "@switchboard/integrations";
import { type CronItem, Logger, type LogLevel, parseCronItems, type Runner, run, type TaskList } from "graphile-worker";
import type pino from "pino";
import { agentCron, agentTaskList } from "./agents/jobs.ts";
import { coachingCron, coachingTaskList } from "./coaching/jobs.ts";
import { JobQueue } from "./job-queue.ts";
import type { AppEventBus } from "./live-events.ts";
import { onboardingCron, onboardingTaskList } from "./onboarding/jobs.ts";
import { requestCron, requestTaskList } from "./requests/jobs.ts";

/** graphile-worker's Logger writing to pino, with its scope (worker, task, job ids) as fields. */
export function pinoWorkerLogger(log: pino.Logger): Logger {
  const methods: Record<LogLevel, "error" | "warn" | "info" | "debug"> = {
    error: "error",
    warning: "warn",
    info: "info",
    debug: "debug",
  };
  return new Logger((scope) => {
    const scoped = log.child(Object.fromEntries(Object.entries(scope).filter(([, value]) => value !== undefined)));
    return (level, message, meta) => scoped[methods[level]](meta ?? {}, message);
  });
}

export interface JobWorkerOptions {
  databaseUrl: string;
  /** The queue the task list adds follow-up jobs to; handed out again as the worker's queue. */
  queue: JobQueue;
  log: pino.Logger;
  taskList: TaskList;
  cron?: CronItem[];
  concurrency?: number;
  pollIntervalMs?: number;
}

export interface JobWorker {
  /** For adding jobs (the schema exists once the worker has started). */
  queue: JobQueue;
  /** Stops taking jobs and waits for running ones (aborted after graphile-worker's grace period). */
  stop(): Promise<void>;
}

export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const concurrency = options.concurrency ?? 4;
  const runner: Runner = await run({
    connectionString: options.databaseUrl,
    concurrency,
    maxPoolSize: concurrency + 2,
    pollInterval: options.pollIntervalMs ?? 2000,
    // The server's ordered shutdown stops the worker (before the database closes).
    noHandleSignals: true,
    logger: pinoWorkerLogger(options.log),
    taskList: options.taskList,
    parsedCronItems: parseCronItems(options.cron ?? []),
  });
  let stopped: Promise<void> | null = null;
  return {
    queue: options.queue,
    stop: () => {
      stopped ??= runner.stop();
      return stopped;
    },
  };
}

export interface BackgroundJobDeps {
  databaseUrl: string;
  db: Database;
  events: AppEventBus;
  /** Null: AI is off, so the tasks that need the model are not registered (the rest run). */
  openai: OpenAIClient | null;
  log: pino.Logger;
  /** A pending request older than this expires (REQUEST_EXPIRY_MINUTES). */
  requestExpiryMs: number;
  /** Agent sessions idle this long are expired (AGENT_SESSION_IDLE_MINUTES). */
  agentSessionIdleMs: number;
  concurrency?: number;
  pollIntervalMs?: number;
}

/**
 * The one task list and cron table of the process, assembled from every product's tasks, and
 * the worker that runs them. Every periodic job lives here, so the worker always runs; with AI
 * off only the tasks that need the model are left out (said once in the log).
 */
function backgroundJobs(deps: BackgroundJobDeps, queue: JobQueue): { taskList: TaskList; cron: CronItem[] } {
  const products = [
    {
      taskList: requestTaskList({
        db: deps.db,
        events: deps.events,
        log: deps.log.child({ product: "requests" }),
        olderThanMs: deps.requestExpiryMs,
      }),
      cron: requestCron,
    },
    {
      taskList: agentTaskList({
        db: deps.db,
        events: deps.events,
        log: deps.log.child({ product: "agents" }),
        sessionIdleMs: deps.agentSessionIdleMs,
      }),
      cron: agentCron,
    },
    {
      taskList: onboardingTaskList({ db: deps.db, log: deps.log.child({ product: "onboarding" }) }),
      cron: onboardingCron,
    },
  ];
  if (deps.openai) {
    const coaching = {
      db: deps.db,
      events: deps.events,
      openai: deps.openai,
      log: deps.log.child({ product: "coaching" }),
    };
    products.push({ taskList: coachingTaskList(coaching, queue), cron: coachingCron });
  } else {
    deps.log.warn(
      "AI is off: coaching summaries, action item extraction and the embedding backfill are not scheduled; the other background jobs run",
    );
  }
  return {
    taskList: Object.assign({}, ...products.map((product) => product.taskList)),
    cron: products.flatMap((product) => product.cron),
  };
}

/** The server's worker with every product's tasks and cron items. */
export async function startBackgroundJobs(deps: BackgroundJobDeps): Promise<JobWorker> {
  const queue = new JobQueue();
  const { taskList, cron } = backgroundJobs(deps, queue);
  return startJobWorker({
    databaseUrl: deps.databaseUrl,
    queue,
    log: deps.log,
    taskList,
    cron,
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
  });
}
