import { randomUUID } from "node:crypto";
import { checkDrift } from "@switchboard/db";
import type { FakeChatRequest } from "@switchboard/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { type CoachingJobsHarness, startCoachingJobsHarness } from "../../test/coaching-jobs.ts";
import { eventFormOf } from "../event-payload.ts";
import { enqueueDailySummary, sweepSummaries } from "./jobs.ts";
import { weekStartOf } from "./summaries.ts";

/** Today in UTC, "YYYY-MM-DD". */
const utcToday = () => new Date().toISOString().slice(0, 10);

let h: CoachingJobsHarness;

beforeAll(async () => {
  h = await startCoachingJobsHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The fake model names the markers it was shown, so a summary (and a week of them) can be traced. */
const markersIn = (text: string) => [...new Set(text.match(/marker-[a-z0-9]+/g) ?? [])];
const promptOf = (request: FakeChatRequest) => request.messages.map((m) => String(m.content)).join("\n");
beforeEach(() => {
  h.fake.reset();
  h.fake.reply((request) => `You talked about ${markersIn(promptOf(request)).join(", ") || "nothing"}.`);
});

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const daysAgo = (days: number) => isoDay(new Date(Date.now() - days * DAY_MS));
const addDays = (day: string, days: number) => isoDay(new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY_MS));
const newMarker = () => `marker-${randomUUID().slice(0, 8)}`;

async function say(account: TestAccount, at: string, content: string, role: "user" | "assistant" = "user") {
  const db = h.database.db;
  const conversation =
    (await db.conversation.findFirst({ where: { userId: account.id } })) ??
    (await db.conversation.create({ data: { userId: account.id, title: "Check-in" } }));
  return db.message.create({
    data: { conversationId: conversation.id, userId: account.id, role, content, createdAt: new Date(at) },
  });
}

const dailyCalls = (marker: string) =>
  h.fake.chatRequests.filter((r) => promptOf(r).includes("one day of a person's") && promptOf(r).includes(marker));
const weeklyCalls = (marker: string) =>
  h.fake.chatRequests.filter((r) => promptOf(r).includes("weekly review") && promptOf(r).includes(marker));
const dailiesOf = (account: TestAccount) =>
  h.database.db.dailySummary.findMany({ where: { userId: account.id }, orderBy: { day: "asc" } });

async function sweepAndRun() {
  const found = await sweepSummaries(h.database.db, h.jobs);
  await h.runJobs();
  return found;
}

describe("daily summaries", () => {
  it("summarises an ended day once, keeps it while nothing changes, and rewrites it for a new message", async () => {
    const ana = await h.newAccount("ana");
    const marker = newMarker();
    const day = daysAgo(3);
    await say(ana, `${day}T09:00:00Z`, `I want to fix hiring (${marker})`);
    await say(ana, `${day}T09:01:00Z`, "Start with the role you need most.", "assistant");

    await sweepAndRun();
    const [first, ...others] = await dailiesOf(ana);
    expect(others).toEqual([]);
    expect(first).toMatchObject({ day: new Date(`${day}T00:00:00Z`), messageCount: 2 });
    expect(first!.summary).toBe(`You talked about ${marker}.`);
    expect(dailyCalls(marker)).toHaveLength(1);
    expect(dailyCalls(marker)[0]!.stream).toBeFalsy();

    // The sweep finds nothing to do, and the job itself, queued again, does not call the model.
    await sweepAndRun();
    await enqueueDailySummary(h.jobs, h.database.db, { userId: ana.id, day }, "refresh");
    await h.runJobs();
    expect(await dailiesOf(ana)).toEqual([first]);
    expect(dailyCalls(marker)).toHaveLength(1);

    const later = newMarker();
    await say(ana, `${day}T22:00:00Z`, `Update: posted the job (${later})`);
    await sweepAndRun();
    const [updated, ...none] = await dailiesOf(ana);
    expect(none).toEqual([]);
    expect(updated).toMatchObject({ id: first!.id, messageCount: 3, summary: `You talked about ${marker}, ${later}.` });
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
    expect(dailyCalls(marker)).toHaveLength(2);

    const usage = await h.database.db.usageEvent.findMany({
      where: { userId: ana.id, metadata: { path: ["purpose"], equals: "daily_summary" } },
    });
    expect(usage.map((u) => u.kind)).toEqual(["summary", "summary"]);
    expect(usage[0]).toMatchObject({ model: "gpt-4o-mini", metadata: expect.objectContaining({ day }) });
    expect(usage[0]!.totalTokens).toBeGreaterThan(0);
    expect((await h.queuedJobs()).filter((job) => job.key?.includes(ana.id))).toEqual([]);
  });

  it("does not summarise today before it ends, nor failed replies", async () => {
    const ben = await h.newAccount("ben");
    await say(ben, new Date().toISOString(), `today ${newMarker()}`);
    const failed = await say(ben, `${daysAgo(2)}T10:00:00Z`, "", "assistant");
    await h.database.db.message.update({ where: { id: failed.id }, data: { status: "failed" } });
    await sweepAndRun();
    expect(await dailiesOf(ben)).toEqual([]);
  });

  it("cuts days at midnight in the person's own time zone", async () => {
    const utc = await h.newAccount("utc"); // no profile: UTC
    const kiritimati = await h.newAccount("kiritimati");
    // UTC+14 all year (no daylight saving), so the boundary is exact.
    await h.database.db.profile.create({
      data: { userId: kiritimati.id, displayName: "K", timezone: "Pacific/Kiritimati" },
    });
    const day = daysAgo(4);
    for (const account of [utc, kiritimati]) {
      await say(account, `${day}T09:30:00Z`, `late evening in Kiritimati ${newMarker()}`); // 23:30 there
      await say(account, `${day}T10:30:00Z`, `after midnight in Kiritimati ${newMarker()}`); // 00:30 next day
    }
    await sweepAndRun();
    expect((await dailiesOf(utc)).map((d) => [isoDay(d.day), d.messageCount])).toEqual([[day, 2]]);
    expect((await dailiesOf(kiritimati)).map((d) => [isoDay(d.day), d.messageCount])).toEqual([
      [day, 1],
      [addDays(day, 1), 1],
    ]);
  });

  it("retries a job whose model call failed, with backoff, and stores the summary once", async () => {
    const cara = await h.newAccount("cara");
    const marker = newMarker();
    const day = daysAgo(2);
    await say(cara, `${day}T12:00:00Z`, `Plan the offsite (${marker})`);
    h.fake.failNext(1, 500, { endpoint: "chat.completions" });
    await enqueueDailySummary(h.jobs, h.database.db, { userId: cara.id, day }, "sweep");

    const carasJobs = async () => (await h.queuedJobs()).filter((job) => job.key?.includes(cara.id));
    await h.runJobs();
    expect(await dailiesOf(cara)).toEqual([]);
    const [failed, ...others] = await carasJobs();
    expect(others).toEqual([]);
    expect(failed).toMatchObject({ task: "coaching:daily-summary", attempts: 1 });
    expect(failed!.lastError).toMatch(/500/);
    // The hourly sweep must not restart a job that is backing off.
    await sweepSummaries(h.database.db, h.jobs);
    expect(await carasJobs()).toMatchObject([{ attempts: 1 }]);

    const worker = await h.startWorker();
    const started = Date.now();
    while ((await dailiesOf(cara)).length === 0) {
      if (Date.now() - started > 15_000) throw new Error("the retried job did not store a summary");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await worker.stop();
    expect(await dailiesOf(cara)).toMatchObject([{ messageCount: 1, summary: `You talked about ${marker}.` }]);
    expect(dailyCalls(marker)).toHaveLength(2);
    expect(await carasJobs()).toEqual([]);
  });
});

describe("weekly summaries", () => {
  it("is written from the week's dailies and goal progress once every day of the week is summarised", async () => {
    const dan = await h.newAccount("dan");
    const weekStart = addDays(weekStartOf(utcToday()), -7);
    const tuesday = newMarker();
    const thursday = newMarker();
    await say(dan, `${addDays(weekStart, 1)}T08:00:00Z`, `Hiring plan (${tuesday})`);
    await say(dan, `${addDays(weekStart, 3)}T08:00:00Z`, `Pricing review (${thursday})`);
    await say(dan, `${addDays(weekStart, 3)}T08:05:00Z`, "Good progress.", "assistant");
    await h.database.db.goal.createMany({
      data: [
        { userId: dan.id, title: "Hire a CTO", progress: 40 },
        { userId: dan.id, title: "Raise prices", progress: 100, status: "completed" },
      ],
    });

    // First sweep: the days are due, so the week waits for them.
    await sweepAndRun();
    expect(await h.database.db.weeklySummary.count({ where: { userId: dan.id } })).toBe(0);
    expect(await dailiesOf(dan)).toHaveLength(2);

    await sweepAndRun();
    const weekly = await h.database.db.weeklySummary.findMany({ where: { userId: dan.id } });
    expect(weekly).toMatchObject([{ weekStart: new Date(`${weekStart}T00:00:00Z`), messageCount: 3 }]);
    expect(weekly[0]!.summary).toBe(`You talked about ${tuesday}, ${thursday}.`);
    const [call, ...more] = weeklyCalls(tuesday);
    expect(more).toEqual([]);
    expect(promptOf(call!)).toContain("Hire a CTO (active, 40% done)");
    expect(promptOf(call!)).toContain("Raise prices (completed, 100% done)");
    expect(promptOf(call!)).toContain(`${addDays(weekStart, 1)}: You talked about ${tuesday}.`);

    await sweepAndRun();
    expect(weeklyCalls(tuesday)).toHaveLength(1);
    expect(await h.database.db.weeklySummary.count({ where: { userId: dan.id } })).toBe(1);

    const latest = await h.api({ token: dan.token }).coaching.summaries.latest.query();
    expect(latest.week).toEqual({
      id: weekly[0]!.id,
      weekStart,
      summary: weekly[0]!.summary,
      messageCount: 3,
      updatedAt: weekly[0]!.updatedAt,
    });
    expect(latest.today).toBeNull();
    expect(latest.lastEventId).toMatch(/^\d+\.\d+$/);
  });
});

describe("today's summary on demand", () => {
  it("queues today's summary, stores it and pushes it live to its owner only", async () => {
    const eve = await h.newAccount("eve");
    const other = await h.newAccount("other");
    const marker = newMarker();
    await say(eve, new Date(Date.now() - 60_000).toISOString(), `Morning plan (${marker})`);
    const { lastEventId } = await h.api({ token: eve.token }).coaching.summaries.latest.query();

    const controller = new AbortController();
    const received: unknown[] = [];
    const othersReceived: unknown[] = [];
    const follow = async (account: TestAccount, into: unknown[]) => {
      const stream = await (await h.caller(account)).coaching.onUpdates({ lastEventId });
      for await (const item of stream) {
        // A server-side caller gets the tracked envelope itself ([id, data]); clients get { id, data }.
        const [, message] = item as unknown as [string, typeof item.data];
        if (controller.signal.aborted) break;
        if (message.type === "event") into.push(message.payload);
      }
    };
    const following = [follow(eve, received), follow(other, othersReceived)];

    expect(await h.api({ token: eve.token }).coaching.summaries.refreshToday.mutate()).toEqual({
      day: utcToday(),
      queued: true,
    });
    expect(await h.api({ token: other.token }).coaching.summaries.refreshToday.mutate()).toEqual({
      day: utcToday(),
      queued: false,
    });
    await h.runJobs();

    const started = Date.now();
    while (received.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    const latest = await h.api({ token: eve.token }).coaching.summaries.latest.query();
    expect(latest.today).toMatchObject({
      day: utcToday(),
      messageCount: 1,
      summary: `You talked about ${marker}.`,
    });
    // The event carries the same view, its instants as ISO strings (event-payload.ts).
    expect(received).toEqual([{ kind: "daily_summary", summary: eventFormOf(latest.today) }]);
    controller.abort();
    // Wake the generators so they see the abort: one more event each.
    await h.api({ token: eve.token }).coaching.actionItems.create.mutate({ title: "wake" });
    await h.api({ token: other.token }).coaching.actionItems.create.mutate({ title: "wake" });
    await Promise.all(following);
    expect(othersReceived.filter((p) => (p as { kind: string }).kind === "daily_summary")).toEqual([]);
  });

  it("says plainly when AI (and so the worker) is off", async () => {
    const fay = await h.newAccount("fay");
    const error = await errorOf(h.apiWithoutAi({ token: fay.token }).coaching.summaries.refreshToday.mutate());
    expect(error).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "AI_DISABLED" });
  });
});

describe("graphile-worker's schema", () => {
  it("is not drift: the drift check looks at the application's schema only", async () => {
    expect(await h.queuedJobs()).toBeDefined(); // graphile_worker exists in this database
    const report = await checkDrift(h.database.url);
    expect(report.differences).toEqual([]);
  });
});
