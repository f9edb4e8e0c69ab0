// For tests of coaching's background jobs: a test database with graphile-worker's schema, the
// event bus, the OpenAI wire fake behind the real SDK, and real graphile-worker runs of the
// coaching tasks against that database.
import { randomUUID } from "node:crypto";
import { createOpenAIClient } from "@switchboard/integrations";
import { createTestDatabase, type OpenAIFake, startOpenAIFake, type TestDatabase } from "@switchboard/testing";
import { runMigrations, runOnce } from "graphile-worker";
import pino from "pino";
import type { CoachingJobDeps } from "../src/coaching/job-deps.ts";
import { COACHING_TASKS, coachingCron, coachingTaskList } from "../src/coaching/jobs.ts";
import { JobQueue } from "../src/job-queue.ts";
import { type JobWorker, pinoWorkerLogger, startJobWorker } from "../src/job-worker.ts";
import { type AppEventBus, createAppEventBus } from "../src/live-events.ts";
import { appRouter, createCaller } from "../src/root.ts";
import { createContext } from "../src/trpc.ts";
import { createTestAccount, type TestAccount } from "./accounts.ts";
import { createTestApi } from "./api-client.ts";
import { testServices } from "./services.ts";

export interface CoachingJobsHarness {
  database: TestDatabase;
  events: AppEventBus;
  fake: OpenAIFake;
  deps: CoachingJobDeps;
  jobs: JobQueue;
  /** HTTP-level API client with AI and the job queue on. */
  api: ReturnType<typeof createTestApi<typeof appRouter>>;
  /** The same with AI off (no OpenAI client, no job queue), as a server without a key runs. */
  apiWithoutAi: ReturnType<typeof createTestApi<typeof appRouter>>;
  /** Runs every job that is due now, one after another, until none is left (graphile-worker's runOnce). */
  runJobs(): Promise<void>;
  /** A long-running worker (polling), as the server runs it. */
  startWorker(): Promise<JobWorker>;
  newAccount(name: string): Promise<TestAccount>;
  /** A server-side caller (subscriptions work here; the HTTP test client has no WebSocket). */
  caller(account: TestAccount, ai?: "on" | "off"): Promise<ReturnType<typeof createCaller>>;
  /** Jobs still in the queue (waiting, retrying or failed for good). */
  queuedJobs(): Promise<{ task: string; key: string | null; attempts: number; lastError: string | null }[]>;
  close(): Promise<void>;
}

export async function startCoachingJobsHarness(): Promise<CoachingJobsHarness> {
  const silent = pino({ level: "silent" });
  const database = await createTestDatabase();
  const logger = pinoWorkerLogger(silent);
  await runMigrations({ connectionString: database.url, logger });
  const events = createAppEventBus({ databaseUrl: database.url, pollMs: 100 });
  await events.start();
  const fake = await startOpenAIFake({ tokenDelayMs: 0 });
  const openai = createOpenAIClient({ apiKey: "sk-test", baseURL: fake.baseURL })!.withOptions({ maxRetries: 0 });
  const deps: CoachingJobDeps = { db: database.db, events, openai, log: silent };
  const jobs = new JobQueue();
  const taskList = coachingTaskList(deps, jobs);
  const ai = { openai, sessionIdleMs: 60_000 };
  const api = createTestApi({ router: appRouter, db: database.db, events, ai, jobs });
  const workers: JobWorker[] = [];
  return {
    database,
    events,
    fake,
    deps,
    jobs,
    api,
    apiWithoutAi: createTestApi({ router: appRouter, db: database.db, events }),
    async runJobs() {
      await runOnce({ connectionString: database.url, taskList, logger, noHandleSignals: true });
      // graphile-worker records a job's failure or completion without awaiting it, so runOnce can
      // return while the last job is still locked: wait until every job is released.
      const started = Date.now();
      for (;;) {
        const [{ locked }] = await database.db.$queryRaw<[{ locked: number }]>`
          SELECT count(*)::int AS locked FROM graphile_worker.jobs WHERE locked_at IS NOT NULL`;
        if (locked === 0) return;
        if (Date.now() - started > 10_000) throw new Error(`${locked} jobs still locked after runOnce`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async startWorker() {
      const worker = await startJobWorker({
        databaseUrl: database.url,
        queue: jobs,
        log: silent,
        taskList,
        // The summaries' sweep only: a backfill tick landing mid-test would embed messages behind its back.
        cron: coachingCron.filter((item) => item.task !== COACHING_TASKS.backfillEmbeddings),
        concurrency: 2,
        pollIntervalMs: 100,
      });
      workers.push(worker);
      return worker;
    },
    newAccount: (name) => createTestAccount(database.db, { email: `${name}-${randomUUID()}@example.com` }),
    async caller(account, aiSwitch = "on") {
      return createCaller(
        await createContext(
          testServices({
            db: database.db,
            log: silent,
            events,
            ai: aiSwitch === "on" ? ai : null,
            jobs: aiSwitch === "on" ? jobs : null,
          }),
          { token: account.token, requestId: randomUUID() },
        ),
      );
    },
    queuedJobs: () =>
      database.db.$queryRaw`
        SELECT task_identifier AS task, key, attempts::int AS attempts, last_error AS "lastError"
          FROM graphile_worker.jobs ORDER BY id`,
    async close() {
      for (const worker of workers) await worker.stop();
      await events.stop();
      await fake.close();
      await database.drop();
    },
  };
}
