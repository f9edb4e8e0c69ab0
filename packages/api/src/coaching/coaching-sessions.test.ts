import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";

const testApi = useTestApi();
const { newAccount, as } = testApi;

/** Everything a coaching-session call could write, for "nothing changed" comparisons. */
async function sessionRows() {
  const db = testApi.database.db;
  const [sessions, conversations, usage] = await Promise.all([
    db.coachingSession.findMany({ orderBy: { id: "asc" } }),
    db.conversation.findMany({ orderBy: { id: "asc" } }),
    db.usageEvent.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { sessions, conversations, usage };
}

async function actionsOf(account: TestAccount) {
  const events = await testApi.database.db.usageEvent.findMany({
    where: { userId: account.id, kind: "user_action" },
    orderBy: { createdAt: "asc" },
  });
  return events.map((event) => (event.metadata as { action: string }).action);
}

describe("a coaching session's lifecycle", () => {
  it("goes scheduled → in progress → completed, stamping each step, and refuses steps from the wrong state", async () => {
    const ana = await newAccount("ana");
    const scheduledAt = new Date("2026-12-01T09:30:00Z");
    const created = await as(ana).coaching.sessions.create.mutate({
      type: "goal_setting",
      agenda: "  Decide on the Q1 hiring plan  ",
      scheduledAt: "2026-12-01T10:30:00+01:00",
    });
    expect(created).toEqual({
      id: expect.any(String),
      type: "goal_setting",
      status: "scheduled",
      agenda: "Decide on the Q1 hiring plan",
      notes: "",
      outcome: "",
      scheduledAt,
      startedAt: null,
      endedAt: null,
      conversationId: null,
      createdAt: expect.any(Date),
    });
    const sessionId = created.id;
    const complete = async () => errorOf(as(ana).coaching.sessions.complete.mutate({ sessionId }));
    expect(await complete()).toMatchObject({
      code: "CONFLICT",
      appCode: "COACHING_SESSION_WRONG_STATE",
      message: "Start this session before completing it.",
    });

    const started = await as(ana).coaching.sessions.start.mutate({ sessionId });
    expect(started.status).toBe("in_progress");
    expect(started.startedAt).toBeInstanceOf(Date);
    expect(started.endedAt).toBeNull();
    expect(await errorOf(as(ana).coaching.sessions.start.mutate({ sessionId }))).toMatchObject({
      code: "CONFLICT",
      appCode: "COACHING_SESSION_WRONG_STATE",
      message: "This session has already started.",
    });
    expect(
      await errorOf(as(ana).coaching.sessions.update.mutate({ sessionId, scheduledAt: "2026-12-02T09:00:00Z" })),
    ).toMatchObject({ code: "CONFLICT", message: "This session has already started, so it can't be rescheduled." });

    const notes = await as(ana).coaching.sessions.update.mutate({ sessionId, notes: "Two senior roles, one lead." });
    expect(notes).toMatchObject({ status: "in_progress", notes: "Two senior roles, one lead.", scheduledAt });

    const completed = await as(ana).coaching.sessions.complete.mutate({ sessionId, outcome: "Open two roles." });
    expect(completed).toMatchObject({ status: "completed", outcome: "Open two roles.", startedAt: started.startedAt });
    expect(completed.endedAt!.getTime()).toBeGreaterThanOrEqual(completed.startedAt!.getTime());

    const ended = {
      code: "CONFLICT",
      appCode: "COACHING_SESSION_WRONG_STATE",
      message: "This session has already ended.",
    };
    expect(await complete()).toMatchObject(ended);
    expect(await errorOf(as(ana).coaching.sessions.start.mutate({ sessionId }))).toMatchObject(ended);
    expect(await errorOf(as(ana).coaching.sessions.cancel.mutate({ sessionId }))).toMatchObject(ended);
    // Completing again did not overwrite what was recorded.
    expect(await as(ana).coaching.sessions.get.query({ sessionId })).toEqual(completed);

    // Notes and outcome stay editable after the session, for the write-up.
    const writtenUp = await as(ana).coaching.sessions.update.mutate({ sessionId, outcome: "Open two roles by May." });
    expect(writtenUp).toMatchObject({ status: "completed", outcome: "Open two roles by May." });

    expect(await actionsOf(ana)).toEqual([
      "coaching_session.created",
      "coaching_session.started",
      "coaching_session.completed",
    ]);
  });

  it("cancels scheduled and in-progress sessions, but not twice, and a cancelled one cannot start", async () => {
    const ben = await newAccount("ben");
    const first = await as(ben).coaching.sessions.create.mutate({ type: "check_in" });
    const second = await as(ben).coaching.sessions.create.mutate({ type: "review", agenda: "Month in review" });
    await as(ben).coaching.sessions.start.mutate({ sessionId: second.id });

    const cancelledFirst = await as(ben).coaching.sessions.cancel.mutate({ sessionId: first.id });
    expect(cancelledFirst).toMatchObject({ status: "cancelled", startedAt: null, endedAt: expect.any(Date) });
    expect((await as(ben).coaching.sessions.cancel.mutate({ sessionId: second.id })).status).toBe("cancelled");

    expect(await errorOf(as(ben).coaching.sessions.cancel.mutate({ sessionId: first.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This session was already cancelled.",
    });
    expect(await errorOf(as(ben).coaching.sessions.start.mutate({ sessionId: first.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This session was cancelled, so it can't be started.",
    });
    expect(
      await errorOf(as(ben).coaching.sessions.complete.mutate({ sessionId: second.id, outcome: "x" })),
    ).toMatchObject({ code: "CONFLICT", message: "This session was cancelled, so it can't be completed." });
    expect((await as(ben).coaching.sessions.get.query({ sessionId: second.id })).outcome).toBe("");
  });

  it("lets exactly one of several simultaneous starts win", async () => {
    const cy = await newAccount("cy");
    const { id: sessionId } = await as(cy).coaching.sessions.create.mutate({ type: "planning" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => as(cy).coaching.sessions.start.mutate({ sessionId })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
      expect(String(outcome.reason)).toContain("This session has already started.");
    }
    expect(await actionsOf(cy)).toEqual(["coaching_session.created", "coaching_session.started"]);
  });

  it("lists the caller's sessions newest first, filters by status, reschedules and deletes", async () => {
    const dee = await newAccount("dee");
    const older = await as(dee).coaching.sessions.create.mutate({ type: "check_in" });
    const newer = await as(dee).coaching.sessions.create.mutate({
      type: "planning",
      scheduledAt: "2027-01-05T08:00:00Z",
    });
    await as(dee).coaching.sessions.start.mutate({ sessionId: older.id });
    expect((await as(dee).coaching.sessions.list.query()).map((s) => s.id)).toEqual([newer.id, older.id]);
    expect((await as(dee).coaching.sessions.list.query({ status: "in_progress" })).map((s) => s.id)).toEqual([
      older.id,
    ]);
    expect(Object.keys((await as(dee).coaching.sessions.list.query())[0]!).sort()).toEqual(
      [
        "id",
        "type",
        "status",
        "agenda",
        "notes",
        "outcome",
        "scheduledAt",
        "startedAt",
        "endedAt",
        "conversationId",
        "createdAt",
      ].sort(),
    );

    const moved = await as(dee).coaching.sessions.update.mutate({
      sessionId: newer.id,
      scheduledAt: "2027-01-06T08:00:00Z",
      agenda: "Budget",
    });
    expect(moved).toMatchObject({ scheduledAt: new Date("2027-01-06T08:00:00Z"), agenda: "Budget" });
    const unscheduled = await as(dee).coaching.sessions.update.mutate({ sessionId: newer.id, scheduledAt: null });
    expect(unscheduled.scheduledAt).toBeNull();

    expect(await as(dee).coaching.sessions.delete.mutate({ sessionId: newer.id })).toEqual({ sessionId: newer.id });
    expect(await errorOf(as(dee).coaching.sessions.get.query({ sessionId: newer.id }))).toMatchObject({
      code: "NOT_FOUND",
      message: "We couldn't find that coaching session.",
    });
    expect(await errorOf(as(dee).coaching.sessions.delete.mutate({ sessionId: newer.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await as(dee).coaching.sessions.list.query()).map((s) => s.id)).toEqual([older.id]);
    expect(await actionsOf(dee)).toEqual([
      "coaching_session.created",
      "coaching_session.created",
      "coaching_session.started",
      "coaching_session.deleted",
    ]);
  });
});

describe("the conversation a session belongs to", () => {
  it("accepts the caller's own conversation and refuses anyone else's or a missing one as NOT_FOUND", async () => {
    const eve = await newAccount("eve");
    const fay = await newAccount("fay");
    const own = await as(eve).coaching.conversations.create.mutate({ title: "Hiring" });
    const theirs = await as(fay).coaching.conversations.create.mutate({ title: "Fay's private chat" });

    const linked = await as(eve).coaching.sessions.create.mutate({ type: "check_in", conversationId: own.id });
    expect(linked.conversationId).toBe(own.id);

    const before = await sessionRows();
    for (const conversationId of [theirs.id, randomUUID()]) {
      const error = await errorOf(as(eve).coaching.sessions.create.mutate({ type: "check_in", conversationId }));
      expect(error).toMatchObject({ code: "NOT_FOUND", message: "We couldn't find that conversation." });
    }
    expect(await sessionRows()).toEqual(before);

    // Deleting the conversation keeps the session, unlinked.
    await as(eve).coaching.conversations.delete.mutate({ conversationId: own.id });
    expect((await as(eve).coaching.sessions.get.query({ sessionId: linked.id })).conversationId).toBeNull();
  });
});

describe("isolation between people", () => {
  it("answers every session procedure called with another person's ids as NOT_FOUND, changing nothing", async () => {
    const alice = await newAccount("alice");
    const bob = await newAccount("bob");
    const scheduled = await as(alice).coaching.sessions.create.mutate({ type: "planning", agenda: "Alice's plan" });
    const running = await as(alice).coaching.sessions.create.mutate({ type: "review", agenda: "Alice's review" });
    await as(alice).coaching.sessions.start.mutate({ sessionId: running.id });
    const before = await sessionRows();

    const denied: [string, () => Promise<unknown>][] = [];
    for (const { id: sessionId } of [scheduled, running]) {
      const bobs = as(bob).coaching.sessions;
      denied.push(
        ["get", () => bobs.get.query({ sessionId })],
        ["update", () => bobs.update.mutate({ sessionId, notes: "mine now" })],
        ["update (reschedule)", () => bobs.update.mutate({ sessionId, scheduledAt: "2027-01-01T00:00:00Z" })],
        ["start", () => bobs.start.mutate({ sessionId })],
        ["complete", () => bobs.complete.mutate({ sessionId, outcome: "done" })],
        ["cancel", () => bobs.cancel.mutate({ sessionId })],
        ["delete", () => bobs.delete.mutate({ sessionId })],
      );
    }
    for (const [name, call] of denied) {
      const error = await errorOf(call());
      expect({ name, code: error.code, message: error.message }).toEqual({
        name,
        code: "NOT_FOUND",
        message: "We couldn't find that coaching session.",
      });
    }
    // Exactly what an id that never existed gets.
    expect(await errorOf(as(bob).coaching.sessions.start.mutate({ sessionId: randomUUID() }))).toMatchObject({
      code: "NOT_FOUND",
      message: "We couldn't find that coaching session.",
    });
    expect(await as(bob).coaching.sessions.list.query()).toEqual([]);
    expect(await as(bob).coaching.usage.daily.query({ days: 1 })).toMatchObject({
      totals: { aiCalls: 0, userActions: 0 },
    });
    expect(await sessionRows()).toEqual(before);
  });
});

describe("bad input", () => {
  const sessionId = randomUUID();
  const cases: { name: string; call: (a: ReturnType<typeof as>) => Promise<unknown>; field: string }[] = [
    { name: "a missing type", call: (a) => a.coaching.sessions.create.mutate({} as never), field: "type" },
    {
      name: "an unknown type",
      call: (a) => a.coaching.sessions.create.mutate({ type: "therapy" as never }),
      field: "type",
    },
    {
      name: "an agenda over 4,000 characters",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", agenda: "a".repeat(4001) }),
      field: "agenda",
    },
    {
      name: "a scheduled time in words",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", scheduledAt: "tomorrow at nine" }),
      field: "scheduledAt",
    },
    {
      name: "a scheduled time without a time zone",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", scheduledAt: "2026-12-01T09:30:00" }),
      field: "scheduledAt",
    },
    {
      name: "a malformed conversation id",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", conversationId: "conv-1" }),
      field: "conversationId",
    },
    {
      name: "a client-chosen owner",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", userId: randomUUID() } as never),
      field: "",
    },
    {
      name: "a client-chosen status",
      call: (a) => a.coaching.sessions.create.mutate({ type: "check_in", status: "completed" } as never),
      field: "",
    },
    {
      name: "a malformed session id",
      call: (a) => a.coaching.sessions.get.query({ sessionId: "7" }),
      field: "sessionId",
    },
    { name: "an update changing nothing", call: (a) => a.coaching.sessions.update.mutate({ sessionId }), field: "" },
    {
      name: "notes over 20,000 characters",
      call: (a) => a.coaching.sessions.update.mutate({ sessionId, notes: "n".repeat(20_001) }),
      field: "notes",
    },
    {
      name: "an outcome that is a number",
      call: (a) => a.coaching.sessions.complete.mutate({ sessionId, outcome: 5 as never }),
      field: "outcome",
    },
    {
      name: "a status changed through update",
      call: (a) => a.coaching.sessions.update.mutate({ sessionId, status: "completed" } as never),
      field: "",
    },
    {
      name: "an unknown status filter",
      call: (a) => a.coaching.sessions.list.query({ status: "done" as never }),
      field: "status",
    },
    { name: "a missing session id", call: (a) => a.coaching.sessions.cancel.mutate({} as never), field: "sessionId" },
  ];

  it.each(cases)("refuses $name with a clear message, writing nothing", async ({ call, field }) => {
    const account = await newAccount("bad");
    const before = await sessionRows();
    const error = await errorOf(call(as(account)));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(error.message).not.toMatch(/zod|invalid_type|undefined|reference/i);
    expect(await sessionRows()).toEqual(before);
  });
});
