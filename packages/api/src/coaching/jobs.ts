// Coaching's background jobs on graphile-worker: daily and weekly summaries, action item
// extraction and the embedding backfill, all of which need the model (so none is registered when
// AI is off: job-worker.ts). An hourly sweep (graphile-worker's cron, scheduled
// once per hour across every server instance) queues a summary job per person and ended day or
// week that lacks an up-to-date summary. Job keys make queueing idempotent, and every task is
// idempotent itself, so a retried or duplicated job writes nothing twice.
import type { Database, Transaction } from "@switchboard/db";
import type { CronItem, Task, TaskList } from "graphile-worker";
import type pino from "pino";
import { everyMinuteSweep, type JobQueue } from "../job-queue.ts";
import { z } from "../validation-messages.ts";
import { extractActionItems } from "./action-items.ts";
import type { CoachingJobDeps } from "./job-deps.ts";
import { backfillEmbeddings } from "./memory.ts";
import { findDueSummaries, summarizeDay, summarizeWeek } from "./summaries.ts";

export const COACHING_TASKS = {
  sweepSummaries: "coaching:sweep-summaries",
  dailySummary: "coaching:daily-summary",
  weeklySummary: "coaching:weekly-summary",
  extractActionItems: "coaching:extract-action-items",
  backfillEmbeddings: "coaching:backfill-embeddings",
} as const;

/** Messages embedded per backfill run (the rest wait for the next minute). */
const BACKFILL_LIMIT = 500;

/** Attempts per job; graphile-worker waits e^attempt seconds between them (≈3 s, 7 s, 20 s, 55 s). */
const MODEL_JOB_ATTEMPTS = 5;
/** A job that used up its attempts gets a fresh round from the sweep after this long. */
const FAILED_JOB_RETRY_AFTER_HOURS = 6;

const day = z.iso.date();
const dailyPayload = z.object({ userId: z.uuid(), day });
const weeklyPayload = z.object({
  userId: z.uuid(),
  weekStart: day.refine((value) => new Date(`${value}T00:00:00Z`).getUTCDay() === 1, "A week starts on a Monday."),
});
const extractionPayload = z.object({ messageId: z.uuid() });

const dailyKey = (userId: string, dayOf: string) => `${COACHING_TASKS.dailySummary}:${userId}:${dayOf}`;
const weeklyKey = (userId: string, weekStart: string) => `${COACHING_TASKS.weeklySummary}:${userId}:${weekStart}`;

/**
 * Queues a daily summary. "refresh" (the person asked) replaces a waiting job and resets its
 * retries; "sweep" adds nothing while a job for that day exists, so an hourly sweep never
 * restarts a job that is backing off.
 */
export function enqueueDailySummary(
  jobs: JobQueue,
  client: Database | Transaction,
  payload: z.infer<typeof dailyPayload>,
  reason: "refresh" | "sweep",
) {
  return jobs.add(client, COACHING_TASKS.dailySummary, payload, {
    jobKey: dailyKey(payload.userId, payload.day),
    jobKeyMode: reason === "refresh" ? "replace" : "unsafe_dedupe",
    maxAttempts: MODEL_JOB_ATTEMPTS,
  });
}

/** Queues action item extraction for a stored coach reply (call it in the reply's transaction). */
export function enqueueActionItemExtraction(jobs: JobQueue, tx: Transaction, messageId: string) {
  return jobs.add(
    tx,
    COACHING_TASKS.extractActionItems,
    { messageId },
    { jobKey: `${COACHING_TASKS.extractActionItems}:${messageId}`, maxAttempts: MODEL_JOB_ATTEMPTS },
  );
}

/** Queues every summary that is due; returns how many days and weeks it found. */
export async function sweepSummaries(db: Database, jobs: JobQueue) {
  // Jobs that failed for good keep their key (and would block the sweep's dedupe forever).
  await db.$executeRaw`
    SELECT graphile_worker.remove_job(key) FROM graphile_worker.jobs
     WHERE key IS NOT NULL AND task_identifier IN (${COACHING_TASKS.dailySummary}, ${COACHING_TASKS.weeklySummary})
       AND attempts >= max_attempts AND locked_at IS NULL
       AND updated_at < now() - make_interval(hours => ${FAILED_JOB_RETRY_AFTER_HOURS}::int)`;
  const due = await findDueSummaries(db);
  for (const payload of due.days) await enqueueDailySummary(jobs, db, payload, "sweep");
  for (const payload of due.weeks) {
    await jobs.add(db, COACHING_TASKS.weeklySummary, payload, {
      jobKey: weeklyKey(payload.userId, payload.weekStart),
      jobKeyMode: "unsafe_dedupe",
      maxAttempts: MODEL_JOB_ATTEMPTS,
    });
  }
  return { days: due.days.length, weeks: due.weeks.length };
}

/** graphile-worker's task list for coaching; each task logs through pino with its job id. */
export function coachingTaskList(deps: CoachingJobDeps, jobs: JobQueue): TaskList {
  const task =
    <S extends z.ZodType>(schema: S, run: (payload: z.output<S>, log: pino.Logger) => Promise<unknown>): Task =>
    async (payload, helpers) => {
      const log = deps.log.child({ jobId: helpers.job.id, task: helpers.job.task_identifier });
      const result = await run(schema.parse(payload), log);
      log.info({ result, attempt: helpers.job.attempts }, "coaching job done");
    };
  return {
    [COACHING_TASKS.sweepSummaries]: task(z.unknown(), () => sweepSummaries(deps.db, jobs)),
    [COACHING_TASKS.dailySummary]: task(dailyPayload, (payload, log) => summarizeDay({ ...deps, log }, payload)),
    [COACHING_TASKS.weeklySummary]: task(weeklyPayload, (payload, log) => summarizeWeek({ ...deps, log }, payload)),
    [COACHING_TASKS.extractActionItems]: task(extractionPayload, (payload, log) =>
      extractActionItems({ ...deps, log }, payload.messageId),
    ),
    // Coaching messages whose embedding failed in the background get one now.
    [COACHING_TASKS.backfillEmbeddings]: task(z.unknown(), (_, log) =>
      backfillEmbeddings({ db: deps.db, openai: deps.openai, log }, { limit: BACKFILL_LIMIT }),
    ),
  };
}

export const coachingCron: CronItem[] = [
  {
    task: COACHING_TASKS.sweepSummaries,
    match: "7 * * * *",
    identifier: COACHING_TASKS.sweepSummaries,
    // A missed hour (every instance was down) is made up once at start.
    options: { backfillPeriod: 60 * 60 * 1000, maxAttempts: 3 },
  },
  everyMinuteSweep(COACHING_TASKS.backfillEmbeddings),
];
