import { randomUUID } from "node:crypto";
import type { FakeChatRequest } from "@switchboard/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { type CoachingJobsHarness, startCoachingJobsHarness } from "../../test/coaching-jobs.ts";
import { watchTopic } from "../../test/live-events.ts";
import { enqueueActionItemExtraction } from "./jobs.ts";
import { memoryIndexFor } from "./memory.ts";

let h: CoachingJobsHarness;

beforeAll(async () => {
  h = await startCoachingJobsHarness();
});
afterAll(async () => {
  await memoryIndexFor(h.database.db).idle();
  await h?.close();
});

const COACH_REPLY = "Draft the CTO job description by Friday, and book two calls with recruiters.";
/** What the fake model extracts; the chat reply itself is always COACH_REPLY. */
let extraction: (request: FakeChatRequest) => { content: string } | { json: unknown };
beforeEach(() => {
  h.fake.reset();
  h.fake.reply((request) => (request.response_format ? extraction(request) : COACH_REPLY));
});

const as = (account: TestAccount) => h.api({ token: account.token });
const extractionCalls = () => h.fake.chatRequests.filter((r) => r.response_format?.type === "json_schema");
const itemsOf = (account: TestAccount) =>
  h.database.db.actionItem.findMany({ where: { userId: account.id }, orderBy: { title: "asc" } });

/** The person's action item events (goals and conversations publish on the same topic). */
function watch(account: TestAccount) {
  const all = watchTopic(h.events, "coaching.updates", account.id);
  const items = () => all.received.filter((event) => event.kind === "action_item");
  return {
    get received() {
      return items();
    },
    async until(count: number) {
      const started = Date.now();
      while (items().length < count) {
        if (Date.now() - started > 10_000) throw new Error(`expected ${count} events, got ${items().length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: () => all.stop(),
  };
}

/** One coaching turn through `coaching.send`; returns the stored reply's id. */
async function coachTurn(account: TestAccount, content: string) {
  const conversation = await as(account).coaching.conversations.create.mutate({ title: "Hiring" });
  const stream = await (await h.caller(account)).coaching.send({ conversationId: conversation.id, content });
  let replyId: string | null = null;
  for await (const message of stream) if (message.type === "done") replyId = message.messageId;
  return { conversationId: conversation.id, replyId: replyId! };
}

describe("action item extraction", () => {
  it("stores the items of a structured reply, links only the person's own goals, and never duplicates them", async () => {
    const ana = await h.newAccount("ana");
    const stranger = await h.newAccount("stranger");
    const hire = await as(ana).coaching.goals.create.mutate({ title: "Hire a CTO" });
    const strangersGoal = await as(stranger).coaching.goals.create.mutate({ title: "Not Ana's" });
    extraction = () => ({
      json: {
        items: [
          { title: "Draft the CTO job description", dueDate: "2026-12-04", goalId: hire.id },
          { title: "  Book two   recruiter calls ", dueDate: null, goalId: strangersGoal.id },
          { title: "Ask Sam for referrals", dueDate: null, goalId: randomUUID() },
          { title: "Ask Sam for referrals", dueDate: null, goalId: null },
          { title: "   ", dueDate: null, goalId: null },
        ],
      },
    });
    const live = watch(ana);
    const { conversationId, replyId } = await coachTurn(ana, "How do I start hiring a CTO?");
    expect(await h.queuedJobs()).toMatchObject([
      { task: "coaching:extract-action-items", key: `coaching:extract-action-items:${replyId}`, attempts: 0 },
    ]);
    await h.runJobs();

    const items = await itemsOf(ana);
    expect(items.map((i) => [i.title, i.goalId, i.dueDate?.toISOString().slice(0, 10) ?? null])).toEqual([
      ["Ask Sam for referrals", null, null],
      ["Book two recruiter calls", null, null],
      ["Draft the CTO job description", hire.id, "2026-12-04"],
    ]);
    expect(items.every((i) => i.sourceMessageId === replyId && i.conversationId === conversationId)).toBe(true);

    const [call, ...moreCalls] = extractionCalls();
    expect(moreCalls).toEqual([]);
    expect(call!.stream).toBeFalsy();
    expect(call!.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "action_items", strict: true },
    });
    const prompt = call!.messages.map((m) => String(m.content)).join("\n");
    expect(prompt).toContain(COACH_REPLY);
    expect(prompt).toContain(hire.id);
    expect(prompt).not.toContain(strangersGoal.id);
    const usage = await h.database.db.usageEvent.findMany({ where: { userId: ana.id, kind: "action_extraction" } });
    expect(usage).toHaveLength(1);
    expect(usage[0]!.metadata).toMatchObject({ messageId: replyId });

    await live.until(3);
    expect(live.received).toEqual(
      expect.arrayContaining([
        {
          kind: "action_item",
          change: "created",
          item: expect.objectContaining({ title: "Draft the CTO job description", goalTitle: "Hire a CTO" }),
        },
      ]),
    );

    // The same reply again (a retry, a duplicate job): nothing new, nothing published.
    await h.database.db.$transaction((tx) => enqueueActionItemExtraction(h.jobs, tx, replyId));
    await h.runJobs();
    expect(await itemsOf(ana)).toEqual(items);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.received).toHaveLength(3);
    await live.stop();
    expect(await itemsOf(stranger)).toEqual([]);
  });

  it("fails the job on output that is not the schema, writes nothing, and succeeds on the retry", async () => {
    const ben = await h.newAccount("ben");
    extraction = () => ({ content: '{"items": [{"title": "Call the bank"' });
    const { replyId } = await coachTurn(ben, "What should I do about cash flow?");
    await h.runJobs();
    const carried = async () => (await h.queuedJobs()).filter((job) => job.key?.includes(replyId));
    expect(await carried()).toMatchObject([{ attempts: 1, lastError: expect.stringMatching(/invalid output/) }]);
    expect(await itemsOf(ben)).toEqual([]);

    extraction = () => ({ json: { items: [{ title: "Call the bank", dueDate: "next week", goalId: null }] } });
    await h.database.db.$transaction((tx) => enqueueActionItemExtraction(h.jobs, tx, replyId));
    await h.runJobs();
    expect(await carried()).toMatchObject([{ attempts: 1, lastError: expect.stringMatching(/invalid output/) }]);
    expect(await itemsOf(ben)).toEqual([]);

    extraction = () => ({ json: { items: [{ title: "Call the bank", dueDate: null, goalId: null }] } });
    await h.database.db.$transaction((tx) => enqueueActionItemExtraction(h.jobs, tx, replyId));
    await h.runJobs();
    expect(await carried()).toEqual([]);
    expect((await itemsOf(ben)).map((i) => i.title)).toEqual(["Call the bank"]);
    // Every call is usage, also the ones whose answer was thrown away.
    expect(await h.database.db.usageEvent.count({ where: { userId: ben.id, kind: "action_extraction" } })).toBe(3);
  });
});

describe("action items for their owner", () => {
  it("creates, lists (open first, newest first), updates, completes, reopens and deletes, each pushed live", async () => {
    const cara = await h.newAccount("cara");
    const goal = await as(cara).coaching.goals.create.mutate({ title: "Ship v2" });
    const live = watch(cara);
    const first = await as(cara).coaching.actionItems.create.mutate({ title: "Write the changelog" });
    expect(first).toMatchObject({
      title: "Write the changelog",
      dueDate: null,
      status: "open",
      goalId: null,
      goalTitle: null,
      conversationId: null,
      completedAt: null,
    });
    const second = await as(cara).coaching.actionItems.create.mutate({
      title: "Tell customers",
      dueDate: "2026-12-20",
      goalId: goal.id,
    });
    expect(second).toMatchObject({ dueDate: "2026-12-20", goalId: goal.id, goalTitle: "Ship v2" });

    const done = await as(cara).coaching.actionItems.complete.mutate({ actionItemId: second.id });
    expect(done.status).toBe("done");
    expect(done.completedAt!.getTime()).toBeGreaterThan(0);
    expect(await as(cara).coaching.actionItems.complete.mutate({ actionItemId: second.id })).toEqual(done);
    const third = await as(cara).coaching.actionItems.create.mutate({ title: "Update the docs" });

    const listed = await as(cara).coaching.actionItems.list.query();
    expect(listed.items.map((i) => i.title)).toEqual(["Update the docs", "Write the changelog", "Tell customers"]);
    expect(listed.lastEventId).toMatch(/^\d+\.\d+$/);

    const updated = await as(cara).coaching.actionItems.update.mutate({
      actionItemId: first.id,
      title: "Write the v2 changelog",
      dueDate: "2026-12-18",
      goalId: goal.id,
    });
    expect(updated).toMatchObject({ title: "Write the v2 changelog", dueDate: "2026-12-18", goalTitle: "Ship v2" });
    const cleared = await as(cara).coaching.actionItems.update.mutate({
      actionItemId: first.id,
      dueDate: null,
      goalId: null,
    });
    expect(cleared).toMatchObject({ title: "Write the v2 changelog", dueDate: null, goalId: null, goalTitle: null });
    const reopened = await as(cara).coaching.actionItems.reopen.mutate({ actionItemId: second.id });
    expect(reopened).toMatchObject({ status: "open", completedAt: null });
    expect(await as(cara).coaching.actionItems.delete.mutate({ actionItemId: third.id })).toEqual({
      actionItemId: third.id,
    });

    await live.until(8);
    expect(live.received.map((p) => `${p.kind}:${p.change}`)).toEqual([
      "action_item:created",
      "action_item:created",
      "action_item:updated",
      "action_item:created",
      "action_item:updated",
      "action_item:updated",
      "action_item:updated",
      "action_item:deleted",
    ]);
    expect(live.received.at(-1)).toEqual({ kind: "action_item", change: "deleted", actionItemId: third.id });
    await live.stop();
  });
});

describe("isolation", () => {
  it("answers NOT_FOUND to someone else's ids on every procedure and changes nothing", async () => {
    const owner = await h.newAccount("owner");
    const intruder = await h.newAccount("intruder");
    const goal = await as(owner).coaching.goals.create.mutate({ title: "Owner's goal" });
    const item = await as(owner).coaching.actionItems.create.mutate({ title: "Owner's item", goalId: goal.id });
    const ownItem = await as(intruder).coaching.actionItems.create.mutate({ title: "Intruder's item" });
    const before = { items: await itemsOf(owner), events: await h.database.db.outboxEvent.count() };

    const b = as(intruder).coaching.actionItems;
    const attempts: [string, () => Promise<unknown>, string][] = [
      [
        "update",
        () => b.update.mutate({ actionItemId: item.id, title: "Mine now" }),
        "We couldn't find that action item.",
      ],
      ["complete", () => b.complete.mutate({ actionItemId: item.id }), "We couldn't find that action item."],
      ["reopen", () => b.reopen.mutate({ actionItemId: item.id }), "We couldn't find that action item."],
      ["delete", () => b.delete.mutate({ actionItemId: item.id }), "We couldn't find that action item."],
      [
        "create with their goal",
        () => b.create.mutate({ title: "Sneaky", goalId: goal.id }),
        "We couldn't find that goal.",
      ],
      [
        "link own item to their goal",
        () => b.update.mutate({ actionItemId: ownItem.id, goalId: goal.id }),
        "We couldn't find that goal.",
      ],
      ["unknown id", () => b.complete.mutate({ actionItemId: randomUUID() }), "We couldn't find that action item."],
    ];
    for (const [name, attempt, message] of attempts) {
      expect({ name, ...(await errorOf(attempt())) }).toMatchObject({
        name,
        code: "NOT_FOUND",
        appCode: "NOT_FOUND",
        message,
      });
    }
    expect(await itemsOf(owner)).toEqual(before.items);
    expect(await h.database.db.outboxEvent.count()).toBe(before.events);
    expect((await b.list.query()).items.map((i) => i.id)).toEqual([ownItem.id]);

    // A subscription is always the caller's own: there is no way to name another person's scope.
    const subscribe = (await h.caller(intruder)).coaching.onUpdates({ lastEventId: null, userId: owner.id } as never);
    expect(await errorOf(subscribe)).toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("bad input", () => {
  it("answers BAD_REQUEST with the field's error for each malformed input", async () => {
    const dee = await h.newAccount("dee");
    const item = await as(dee).coaching.actionItems.create.mutate({ title: "Valid" });
    const b = as(dee).coaching.actionItems;
    const cases: [string, () => Promise<unknown>, string][] = [
      ["empty title", () => b.create.mutate({ title: "" }), "title"],
      ["blank title", () => b.create.mutate({ title: "    " }), "title"],
      ["10 KB title", () => b.create.mutate({ title: "x".repeat(10_240) }), "title"],
      ["title not text", () => b.create.mutate({ title: 42 as never }), "title"],
      ["bad date", () => b.create.mutate({ title: "Ok", dueDate: "2026-02-30" }), "dueDate"],
      ["date in another format", () => b.create.mutate({ title: "Ok", dueDate: "12/31/2026" }), "dueDate"],
      ["bad goal uuid", () => b.create.mutate({ title: "Ok", goalId: "goal-1" }), "goalId"],
      ["unknown field", () => b.create.mutate({ title: "Ok", userId: randomUUID() } as never), ""],
      ["bad item uuid", () => b.complete.mutate({ actionItemId: "not-a-uuid" }), "actionItemId"],
      ["missing item id", () => b.delete.mutate({} as never), "actionItemId"],
      ["update without changes", () => b.update.mutate({ actionItemId: item.id }), ""],
      ["update with empty title", () => b.update.mutate({ actionItemId: item.id, title: "" }), "title"],
      ["bad event id", () => h.caller(dee).then((c) => c.coaching.onUpdates({ lastEventId: "yesterday" })), ""],
    ];
    for (const [name, call, field] of cases) {
      const error = await errorOf(call());
      expect({ name, code: error.code }).toEqual({ name, code: "BAD_REQUEST" });
      // The server-side caller (subscription case) has no formatted shape; HTTP calls carry field errors.
      if (name !== "bad event id") {
        expect({ name, appCode: error.appCode }).toEqual({ name, appCode: "VALIDATION_FAILED" });
        expect({ name, fields: Object.keys(error.fieldErrors ?? {}) }).toEqual({ name, fields: [field] });
      }
    }
    expect((await itemsOf(dee)).map((i) => i.title)).toEqual(["Valid"]);
  });
});
