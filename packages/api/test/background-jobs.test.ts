// The process's one home of periodic work (job-worker.ts): the worker runs with AI off, with
// the non-AI cron tasks scheduled and running, and only the AI tasks left out.
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_TASKS } from "../src/agents/jobs.ts";
import { COACHING_TASKS } from "../src/coaching/jobs.ts";
import { type JobWorker, startBackgroundJobs } from "../src/job-worker.ts";
import { type AppEventBus, createAppEventBus } from "../src/live-events.ts";
import { ONBOARDING_TASKS } from "../src/onboarding/jobs.ts";
import { REQUEST_TASKS } from "../src/requests/jobs.ts";
import { appRouter } from "../src/root.ts";
import { createTestAccount } from "./accounts.ts";
import { type CapturedLog, captureLog, createTestApi } from "./api-client.ts";

let database: TestDatabase;
let events: AppEventBus;
let worker: JobWorker;
let captured: CapturedLog;

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url, pollMs: 100 });
  await events.start();
  captured = captureLog();
  worker = await startBackgroundJobs({
    databaseUrl: database.url,
    db: database.db,
    events,
    openai: null, // no OPENAI_API_KEY, no OPENAI_BASE_URL
    log: captured.log,
    requestExpiryMs: 60_000,
    agentSessionIdleMs: 60_000,
    pollIntervalMs: 100,
  });
});
afterAll(async () => {
  await worker?.stop();
  await events?.stop();
  await database?.drop();
});

/** Adds a job for `task` now, exactly as its cron tick would, and waits until the worker has run it. */
async function runAsCronWould(task: string) {
  await database.db.$executeRaw`SELECT graphile_worker.add_job(${task}::text, '{}'::json, job_key => ${task}::text)`;
  await expect
    .poll(
      async () =>
        (
          await database.db.$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = ${task}`
        )[0]?.n,
      { timeout: 10_000, interval: 50 },
    )
    .toBe(0);
}

describe("the background job worker with AI off", () => {
  it("runs, says once that the AI tasks are off, and schedules the other cron tasks", async () => {
    const aiOff = captured.entries.filter((entry) => String(entry.msg).startsWith("AI is off"));
    expect(aiOff).toHaveLength(1);
    const crontabs = await database.db.$queryRaw<{ identifier: string }[]>`
      SELECT identifier FROM graphile_worker._private_known_crontabs ORDER BY identifier`;
    expect(crontabs.map((row) => row.identifier)).toEqual([
      AGENT_TASKS.expireIdleSessions,
      ONBOARDING_TASKS.eraseExpiredReveals,
      REQUEST_TASKS.expireStale,
      REQUEST_TASKS.releaseUnjoined,
    ]);
    expect(crontabs.map((row) => row.identifier)).not.toContain(COACHING_TASKS.backfillEmbeddings);
  });

  it("expires a stale request through its cron task", async () => {
    const api = createTestApi({ router: appRouter, db: database.db, events });
    const customer = await createTestAccount(database.db, { email: "stale@example.com" });
    const { requestId } = await api({ token: customer.token }).requests.submit.mutate({
      vehicle: { make: "Toyota", model: "Corolla", year: 2015 },
      concern: "Grinding noise when braking at low speed",
      urgency: "high",
      sessionType: "video",
      plan: "standard",
    });
    await database.db.sessionRequest.update({
      where: { id: requestId },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    await runAsCronWould(REQUEST_TASKS.expireStale);
    expect(await database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: "expired",
    });
  });

  it("runs the idle agent session task", async () => {
    await runAsCronWould(AGENT_TASKS.expireIdleSessions);
    const failed = await database.db.$queryRaw<
      unknown[]
    >`SELECT id FROM graphile_worker.jobs WHERE last_error IS NOT NULL`;
    expect(failed).toEqual([]);
  });
});
