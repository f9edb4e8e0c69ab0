import { randomUUID } from "node:crypto";
import type { UsageKind } from "@switchboard/db";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";

const testApi = useTestApi();
const { newAccount, as } = testApi;

/** The calendar day of an instant in a time zone, as the report writes it. */
const dayIn = (timezone: string, at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(at);

/** `n` days before today (UTC) at hh:mm UTC. */
function daysAgoUtc(n: number, hours: number, minutes = 0) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n, hours, minutes));
}

async function usageAt(
  account: TestAccount,
  createdAt: Date,
  event: { kind: UsageKind; promptTokens?: number; completionTokens?: number; latencyMs?: number; cost?: string },
) {
  const promptTokens = event.promptTokens ?? 0;
  const completionTokens = event.completionTokens ?? 0;
  await testApi.database.db.usageEvent.create({
    data: {
      userId: account.id,
      kind: event.kind,
      model: event.kind === "user_action" ? null : "gpt-4o-mini",
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      latencyMs: event.latencyMs ?? null,
      estimatedCostUsd: event.cost ?? "0",
      metadata: event.kind === "user_action" ? { action: "goal.created" } : {},
      createdAt,
    },
  });
}

const zeroDay = {
  aiCalls: 0,
  userActions: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  estimatedCostUsd: 0,
  p50LatencyMs: null,
};

describe("usage per day", () => {
  it("sums a day's AI calls and actions, with the median latency of the AI calls, and zero-fills the rest", async () => {
    const ivy = await newAccount("ivy");
    const other = await newAccount("other");
    const twoDaysAgo = daysAgoUtc(2, 12);
    await usageAt(ivy, twoDaysAgo, {
      kind: "chat_completion",
      promptTokens: 100,
      completionTokens: 50,
      latencyMs: 400,
      cost: "0.001500",
    });
    await usageAt(ivy, twoDaysAgo, { kind: "chat_completion", promptTokens: 10, completionTokens: 5, latencyMs: 100 });
    await usageAt(ivy, twoDaysAgo, { kind: "embedding", promptTokens: 20, latencyMs: 200, cost: "0.000250" });
    await usageAt(ivy, twoDaysAgo, { kind: "user_action" });
    await usageAt(ivy, daysAgoUtc(0, 0, 1), { kind: "user_action" });
    await usageAt(ivy, daysAgoUtc(40, 12), { kind: "chat_completion", promptTokens: 999, latencyMs: 1 }); // out of range
    await usageAt(other, twoDaysAgo, { kind: "chat_completion", promptTokens: 5000, latencyMs: 5, cost: "1" });

    const report = await as(ivy).coaching.usage.daily.query();
    expect(report.timezone).toBe("UTC");
    expect(report.days).toHaveLength(30);
    expect(report.days.at(-1)!.day).toBe(dayIn("UTC", new Date()));
    expect(report.days[0]!.day).toBe(dayIn("UTC", daysAgoUtc(29, 12)));
    // Consecutive calendar days, oldest first.
    for (const [i, day] of report.days.entries()) expect(day.day).toBe(dayIn("UTC", daysAgoUtc(29 - i, 12)));

    const busy = report.days.find((d) => d.day === dayIn("UTC", twoDaysAgo));
    expect(busy).toEqual({
      day: dayIn("UTC", twoDaysAgo),
      aiCalls: 3,
      userActions: 1,
      promptTokens: 130,
      completionTokens: 55,
      totalTokens: 185,
      estimatedCostUsd: 0.00175,
      p50LatencyMs: 200,
    });
    expect(report.days.at(-1)).toMatchObject({ aiCalls: 0, userActions: 1, p50LatencyMs: null });
    const quiet = report.days.filter((d) => d.day !== busy!.day && d.day !== report.days.at(-1)!.day);
    expect(quiet).toHaveLength(28);
    for (const day of quiet) expect(day).toEqual({ day: day.day, ...zeroDay });

    expect(report.totals).toEqual({
      aiCalls: 3,
      userActions: 2,
      promptTokens: 130,
      completionTokens: 55,
      totalTokens: 185,
      estimatedCostUsd: 0.00175,
      p50LatencyMs: 200,
    });
    expect(report.byKind).toEqual([
      { kind: "chat_completion", calls: 2, totalTokens: 165, estimatedCostUsd: 0.0015 },
      { kind: "embedding", calls: 1, totalTokens: 20, estimatedCostUsd: 0.00025 },
      { kind: "user_action", calls: 2, totalTokens: 0, estimatedCostUsd: 0 },
    ]);

    const lastWeek = await as(ivy).coaching.usage.daily.query({ days: 7 });
    expect(lastWeek.days).toHaveLength(7);
    expect(lastWeek.totals).toMatchObject({ aiCalls: 3, userActions: 2 });
    const today = await as(ivy).coaching.usage.daily.query({ days: 1 });
    expect(today.days.map((d) => d.day)).toEqual([dayIn("UTC", new Date())]);
    expect(today.totals).toMatchObject({ aiCalls: 0, userActions: 1 });
    expect((await as(ivy).coaching.usage.daily.query({ days: 90 })).totals).toMatchObject({ aiCalls: 4 });
  });

  it("counts each event on the calendar day of the caller's own time zone", async () => {
    // 12:00 UTC is 02:00 the next day in Kiritimati (UTC+14); 05:00 UTC is the evening before in Los Angeles.
    const noonUtc = daysAgoUtc(3, 12);
    const earlyUtc = daysAgoUtc(3, 5);
    const people = {
      UTC: await newAccount("utc"),
      "Pacific/Kiritimati": await newAccount("kiritimati"),
      "America/Los_Angeles": await newAccount("la"),
    };
    for (const [timezone, account] of Object.entries(people)) {
      if (timezone !== "UTC") await as(account).coaching.profile.upsert.mutate({ displayName: "Tz", timezone });
      await usageAt(account, noonUtc, { kind: "chat_completion", promptTokens: 1, latencyMs: 10 });
      await usageAt(account, earlyUtc, { kind: "embedding", promptTokens: 2, latencyMs: 20 });
    }
    expect(dayIn("Pacific/Kiritimati", noonUtc)).not.toBe(dayIn("UTC", noonUtc));
    expect(dayIn("America/Los_Angeles", earlyUtc)).not.toBe(dayIn("UTC", earlyUtc));

    for (const [timezone, account] of Object.entries(people)) {
      const report = await as(account).coaching.usage.daily.query({ days: 10 });
      expect(report.timezone).toBe(timezone);
      expect(report.days).toHaveLength(10);
      expect(report.days.at(-1)!.day).toBe(dayIn(timezone, new Date()));
      const tokensByDay = Object.fromEntries(
        report.days.filter((d) => d.aiCalls > 0).map((d) => [d.day, d.promptTokens]),
      );
      const expected: Record<string, number> = {};
      expected[dayIn(timezone, noonUtc)] = (expected[dayIn(timezone, noonUtc)] ?? 0) + 1;
      expected[dayIn(timezone, earlyUtc)] = (expected[dayIn(timezone, earlyUtc)] ?? 0) + 2;
      expect({ timezone, tokensByDay }).toEqual({ timezone, tokensByDay: expected });
    }
    // UTC sees both on one day; the other two zones split them across two days.
    expect(dayIn("UTC", noonUtc)).toBe(dayIn("UTC", earlyUtc));
    expect(dayIn("Pacific/Kiritimati", noonUtc)).not.toBe(dayIn("Pacific/Kiritimati", earlyUtc));
    expect(dayIn("America/Los_Angeles", noonUtc)).not.toBe(dayIn("America/Los_Angeles", earlyUtc));
  });

  it("answers a person with no usage at all with every day present and zero", async () => {
    const new_ = await newAccount("nobody");
    const report = await as(new_).coaching.usage.daily.query({ days: 14 });
    expect(report.days).toHaveLength(14);
    for (const day of report.days) expect(day).toEqual({ day: day.day, ...zeroDay });
    expect(report.totals).toEqual(zeroDay);
    expect(report.byKind).toEqual([]);
  });

  it("counts in UTC for a profile time zone PostgreSQL does not know, instead of failing", async () => {
    const martian = await newAccount("martian");
    // Written past the profile form's check, as a zone the browser knew and PostgreSQL does not.
    await testApi.database.db.profile.create({
      data: { userId: martian.id, displayName: "Mars", timezone: "Mars/Olympus" },
    });
    const report = await as(martian).coaching.usage.daily.query({ days: 3 });
    expect(report.timezone).toBe("UTC");
    expect(report.days.map((day) => day.day).at(-1)).toBe(new Date().toISOString().slice(0, 10));
  });
});

describe("key user actions", () => {
  it("records goal and conversation changes as user actions that the report counts", async () => {
    const jo = await newAccount("jo");
    const goal = await as(jo).coaching.goals.create.mutate({ title: "Hire a CTO" });
    await as(jo).coaching.goals.update.mutate({ goalId: goal.id, progress: 50 });
    await as(jo).coaching.goals.delete.mutate({ goalId: goal.id });
    const conversation = await as(jo).coaching.conversations.create.mutate({});
    const session = await as(jo).coaching.sessions.create.mutate({ type: "check_in", conversationId: conversation.id });
    await as(jo).coaching.sessions.start.mutate({ sessionId: session.id });
    await as(jo).coaching.sessions.complete.mutate({ sessionId: session.id });
    await as(jo).coaching.conversations.delete.mutate({ conversationId: conversation.id });
    // A refused change is not an action.
    await errorOf(as(jo).coaching.goals.update.mutate({ goalId: goal.id, progress: 60 }));

    const rows = await testApi.database.db.usageEvent.findMany({
      where: { userId: jo.id },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.every((row) => row.kind === "user_action" && row.totalTokens === 0 && row.model === null)).toBe(true);
    expect(rows.map((row) => row.metadata)).toEqual([
      { action: "goal.created", goalId: goal.id },
      { action: "goal.updated", goalId: goal.id },
      { action: "goal.deleted", goalId: goal.id },
      { action: "conversation.created", conversationId: conversation.id },
      { action: "coaching_session.created", sessionId: session.id, type: "check_in" },
      { action: "coaching_session.started", sessionId: session.id, type: "check_in" },
      { action: "coaching_session.completed", sessionId: session.id, type: "check_in" },
      { action: "conversation.deleted", conversationId: conversation.id },
    ]);
    const report = await as(jo).coaching.usage.daily.query({ days: 1 });
    expect(report.totals).toMatchObject({ aiCalls: 0, userActions: 8 });
    expect(report.byKind).toEqual([{ kind: "user_action", calls: 8, totalTokens: 0, estimatedCostUsd: 0 }]);
  });

  it("records an action in the action's own transaction: no record, no change", async () => {
    const ida = await newAccount("ida");
    // Every usage row insert fails, as a full disk or a lost connection would.
    await testApi.database.db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_usage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
      CREATE TRIGGER refuse_usage BEFORE INSERT ON usage_events FOR EACH ROW EXECUTE FUNCTION refuse_usage();`);
    try {
      const error = await errorOf(as(ida).coaching.goals.create.mutate({ title: "Never half-written" }));
      expect(error.message).toMatch(/^Something went wrong — reference /);
      expect(await testApi.database.db.goal.count({ where: { userId: ida.id } })).toBe(0);
    } finally {
      await testApi.database.db.$executeRawUnsafe(
        "DROP TRIGGER refuse_usage ON usage_events; DROP FUNCTION refuse_usage();",
      );
    }
  });
});

describe("bad input", () => {
  const cases: { name: string; input: unknown; field: string }[] = [
    { name: "zero days", input: { days: 0 }, field: "days" },
    { name: "more than 90 days", input: { days: 91 }, field: "days" },
    { name: "a fraction of a day", input: { days: 2.5 }, field: "days" },
    { name: "days as text", input: { days: "30" }, field: "days" },
    { name: "negative days", input: { days: -7 }, field: "days" },
    { name: "another person's usage", input: { days: 7, userId: randomUUID() }, field: "" },
  ];
  it.each(cases)("refuses $name with a clear message", async ({ input, field }) => {
    const account = await newAccount("bad-usage");
    const error = await errorOf(as(account).coaching.usage.daily.query(input as never));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(error.message).not.toMatch(/zod|invalid_type|undefined|reference/i);
  });

  it("refuses a signed-out caller", async () => {
    expect(await errorOf(testApi.signedOut().coaching.usage.daily.query({ days: 7 }))).toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
