import { randomUUID } from "node:crypto";
import { createOpenAIClient } from "@switchboard/integrations";
import { createTestDatabase, fakeEmbedding, startOpenAIFake, type TestDatabase } from "@switchboard/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../../test/accounts.ts";
import { createTestApi, errorOf } from "../../test/api-client.ts";
import { watchTopic } from "../../test/live-events.ts";
import { runTask } from "../../test/run-task.ts";
import { testServices } from "../../test/services.ts";
import { JobQueue } from "../job-queue.ts";
import { type AppEventBus, createAppEventBus } from "../live-events.ts";
import { appRouter, createCaller } from "../root.ts";
import { createContext } from "../trpc.ts";
import type { CoachStreamMessage } from "./coach-reply.ts";
import { COACHING_TASKS, coachingTaskList } from "./jobs.ts";
import {
  backfillEmbeddings,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL,
  MemoryIndex,
  memoryIndexFor,
  normalize,
  vectorToBytes,
} from "./memory.ts";

let database: TestDatabase;
let openai: Awaited<ReturnType<typeof startOpenAIFake>>;
let client: NonNullable<ReturnType<typeof createOpenAIClient>>;
let api: ReturnType<typeof createTestApi<typeof appRouter>>;
let events: AppEventBus;
const log = pino({ level: "silent" });

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  openai = await startOpenAIFake({ tokenDelayMs: 0 });
  client = createOpenAIClient({ apiKey: "sk-test", baseURL: openai.baseURL })!.withOptions({ maxRetries: 0 });
  api = createTestApi({ router: appRouter, db: database.db, events, ai: { openai: client, sessionIdleMs: 60_000 } });
});
afterAll(async () => {
  await events.stop();
  await openai.close();
  await database.drop();
});

const newAccount = (name: string) => createTestAccount(database.db, { email: `${name}-${randomUUID()}@example.com` });
const as = (account: TestAccount) => api({ authorization: `Bearer ${account.token}` });

async function caller(account: TestAccount, ai: "on" | "off" = "on") {
  const ctx = await createContext(
    testServices({
      db: database.db,
      log,
      events,
      ai: ai === "on" ? { openai: client, sessionIdleMs: 60_000 } : null,
    }),
    { token: account.token, requestId: randomUUID() },
  );
  return createCaller(ctx);
}

async function send(account: TestAccount, conversationId: string, content: string) {
  const chunks: string[] = [];
  let done: Extract<CoachStreamMessage, { type: "done" }> | null = null;
  const stream = await (await caller(account)).coaching.send({ conversationId, content });
  for await (const message of stream) {
    if (message.type === "chunk") chunks.push(message.text);
    else done = message;
  }
  return { chunks, done: done! };
}

/** Everything coaching stores, for "nothing changed" comparisons. */
async function coachingRows() {
  const db = database.db;
  const [profiles, businesses, goals, conversations, messages, embeddings, usage] = await Promise.all([
    db.profile.findMany({ orderBy: { userId: "asc" } }),
    db.businessProfile.findMany({ orderBy: { userId: "asc" } }),
    db.goal.findMany({ orderBy: { id: "asc" } }),
    db.conversation.findMany({ orderBy: { id: "asc" } }),
    db.message.findMany({ orderBy: { id: "asc" } }),
    db.messageEmbedding.findMany({ orderBy: { messageId: "asc" }, select: { messageId: true, userId: true } }),
    db.usageEvent.count(),
  ]);
  return { profiles, businesses, goals, conversations, messages, embeddings, usage };
}

/** A past conversation with messages stored straight in the database (no embeddings yet). */
async function pastConversation(account: TestAccount, contents: string[]) {
  const conversation = await database.db.conversation.create({ data: { userId: account.id, title: "Earlier" } });
  for (const [i, content] of contents.entries()) {
    await database.db.message.create({
      data: {
        conversationId: conversation.id,
        userId: account.id,
        role: i % 2 ? "assistant" : "user",
        content,
        createdAt: new Date(Date.UTC(2026, 10, 1, 9, i)),
      },
    });
  }
  return conversation;
}

describe("profile, business and goals", () => {
  it("upserts the caller's profile and business profile, and manages goals", async () => {
    const ana = await newAccount("ana");
    expect(await as(ana).coaching.profile.get.query()).toBeNull();
    await as(ana).coaching.profile.upsert.mutate({ displayName: "Ana", timezone: "Europe/Lisbon" });
    const profile = await as(ana).coaching.profile.upsert.mutate({ displayName: "Ana P.", onboardingCompleted: true });
    expect(profile).toMatchObject({
      userId: ana.id,
      displayName: "Ana P.",
      timezone: "Europe/Lisbon",
      onboardingCompleted: true,
    });
    await as(ana).coaching.business.upsert.mutate({ companyName: "Tidal", role: "CEO", industry: "Logistics" });
    expect(await as(ana).coaching.business.get.query()).toMatchObject({ companyName: "Tidal", teamSize: null });

    const goal = await as(ana).coaching.goals.create.mutate({ title: "Hire a CTO", targetDate: "2026-12-31" });
    expect(goal).toMatchObject({ category: "other", status: "active", progress: 0, targetDate: "2026-12-31" });
    const updated = await as(ana).coaching.goals.update.mutate({ goalId: goal.id, progress: 40, category: "business" });
    expect(updated).toMatchObject({ progress: 40, category: "business", title: "Hire a CTO" });
    expect((await as(ana).coaching.goals.list.query({ status: "completed" })).goals).toEqual([]);
    await as(ana).coaching.goals.delete.mutate({ goalId: goal.id });
    expect((await as(ana).coaching.goals.list.query()).goals).toEqual([]);
  });
});

describe("memory retrieval", () => {
  const corpus = [
    "revenue forecast for the next quarter",
    "hiring senior engineers for the platform team",
    "hiring interns this summer",
    "senior engineers on the platform team keep leaving",
  ];

  it("returns the most similar past messages first, only the owner's, above the threshold", async () => {
    const owner = await newAccount("mem-owner");
    const other = await newAccount("mem-other");
    const conversation = await pastConversation(owner, corpus);
    const otherConversation = await pastConversation(other, ["hiring senior engineers for the platform team"]);
    const index = new MemoryIndex(database.db, { revalidateMs: 0 });
    const messages = await database.db.message.findMany({
      where: { conversationId: { in: [conversation.id, otherConversation.id] } },
    });
    for (const message of messages) {
      await index.store(message, Float32Array.from(fakeEmbedding(message.content, EMBEDDING_DIMENSIONS)));
    }
    const byContent = new Map(messages.filter((m) => m.userId === owner.id).map((m) => [m.id, m.content]));
    const query = Float32Array.from(fakeEmbedding("hiring senior engineers for our platform", EMBEDDING_DIMENSIONS));

    const found = await index.search(owner.id, query, 10);
    expect(found.map((m) => byContent.get(m.messageId))).toEqual([
      "hiring senior engineers for the platform team",
      "senior engineers on the platform team keep leaving",
      "hiring interns this summer",
    ]);
    expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
    expect((await index.search(owner.id, query, 1)).map((m) => byContent.get(m.messageId))).toEqual([
      "hiring senior engineers for the platform team",
    ]);
    const excluded = await index.search(owner.id, query, 10, { exclude: [found[0]!.messageId] });
    expect(excluded.map((m) => m.messageId)).toEqual(found.slice(1).map((m) => m.messageId));

    // A memory written by another process (straight into the table) is found on the next search.
    const late = await database.db.message.create({
      data: { conversationId: conversation.id, userId: owner.id, role: "user", content: "hiring senior engineers" },
    });
    await new MemoryIndex(database.db).store(late, Float32Array.from(fakeEmbedding(late.content, 256)));
    expect((await index.search(owner.id, query, 10)).map((m) => m.messageId)).toContain(late.id);
  });

  // How fast (the p99 < 25 ms target) is `pnpm bench coaching`'s to measure; this proves the answer
  // is right at that size: exactly the ten most similar of 10,000, best first.
  it("finds exactly the top 10 of 10,000 memories, best first", async () => {
    const heavy = await newAccount("heavy");
    const conversation = await database.db.conversation.create({ data: { userId: heavy.id, title: "Many" } });
    const random = () => {
      const v = new Float32Array(EMBEDDING_DIMENSIONS);
      for (let d = 0; d < v.length; d++) v[d] = Math.random() - 0.5;
      return normalize(v);
    };
    const vectors = new Float32Array(10_000 * EMBEDDING_DIMENSIONS);
    for (let row = 0; row < 10_000; row++) vectors.set(random(), row * EMBEDDING_DIMENSIONS);
    // One statement: 10,000 messages, each with its slice of the vectors as its embedding.
    await database.db.$executeRaw`
      WITH inserted AS (
        INSERT INTO messages (conversation_id, user_id, role, content)
        SELECT ${conversation.id}::uuid, ${heavy.id}::uuid, 'user', 'memory ' || g FROM generate_series(0, 9999) g
        RETURNING id, content
      )
      INSERT INTO message_embeddings (message_id, user_id, model, dimensions, vector)
      SELECT id, ${heavy.id}::uuid, ${EMBEDDING_MODEL}, ${EMBEDDING_DIMENSIONS},
             substring(${vectorToBytes(vectors)}::bytea from split_part(content, ' ', 2)::int * ${EMBEDDING_DIMENSIONS * 4} + 1
                       for ${EMBEDDING_DIMENSIONS * 4})
      FROM inserted`;
    const index = new MemoryIndex(database.db);
    const rows = await database.db.message.findMany({
      where: { conversationId: conversation.id },
      select: { id: true, content: true },
    });
    const rowOf = new Map(rows.map((row) => [row.id, Number(row.content.split(" ")[1])]));
    const similarity = (query: Float32Array, row: number) => {
      let dot = 0;
      for (let d = 0; d < EMBEDDING_DIMENSIONS; d++) dot += query[d]! * vectors[row * EMBEDDING_DIMENSIONS + d]!;
      return dot;
    };
    for (let trial = 0; trial < 5; trial++) {
      const query = random();
      const scores = Array.from({ length: 10_000 }, (_, row) => similarity(query, row));
      const expected = Array.from({ length: 10_000 }, (_, row) => row)
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, 10);
      const found = await index.search(heavy.id, query, 10, { minScore: -1 });
      expect(found.map((memory) => rowOf.get(memory.messageId))).toEqual(expected);
    }
    await database.db.conversation.delete({ where: { id: conversation.id } });
  });

  it("backfills messages whose embedding failed, and records the calls as usage", async () => {
    const account = await newAccount("backfill");
    await pastConversation(account, ["first note", "second note"]);
    openai.failNext(1, 500, { endpoint: "embeddings" });
    expect(await backfillEmbeddings({ db: database.db, openai: client, log })).toMatchObject({ failed: true });
    const result = await backfillEmbeddings({ db: database.db, openai: client, log });
    expect(result.failed).toBe(false);
    expect(await database.db.messageEmbedding.count({ where: { userId: account.id } })).toBe(2);
    expect(await database.db.usageEvent.count({ where: { userId: account.id, kind: "embedding" } })).toBe(1);
  });
});

describe("coaching chat", () => {
  it("sends profile, business, active goals and relevant memories, in that order, before the conversation", async () => {
    const lee = await newAccount("lee");
    await as(lee).coaching.profile.upsert.mutate({ displayName: "Lee", timezone: "America/Chicago" });
    await as(lee).coaching.business.upsert.mutate({
      companyName: "Northwind",
      role: "Founder",
      industry: "SaaS",
      teamSize: 12,
      challenges: "Retention of engineers",
    });
    await as(lee).coaching.goals.create.mutate({ title: "Ship v2", category: "business", progress: 30 });
    await as(lee).coaching.goals.create.mutate({ title: "Run a marathon", status: "completed" });
    await pastConversation(lee, [
      "hiring senior engineers is blocking the platform roadmap",
      "My favourite lunch is ramen",
    ]);
    await backfillEmbeddings({ db: database.db, openai: client, log });
    const { id } = await as(lee).coaching.conversations.create.mutate({ sessionType: "planning", title: "Hiring" });

    openai.replyOnce("Let's look at your pipeline.");
    await send(lee, id, "How do I speed up hiring senior engineers?");
    const sent = openai.chatRequests.at(-1)!;
    const system = sent.messages.filter((m) => m.role === "system").map((m) => String(m.content));
    expect(sent.messages.map((m) => m.role)).toEqual(["system", "system", "system", "system", "system", "user"]);
    expect(system[0]).toContain("coach");
    expect(system[1]).toContain("Name: Lee");
    expect(system[1]).toContain("Timezone: America/Chicago");
    expect(system[2]).toContain("Company: Northwind");
    expect(system[2]).toContain("Team size: 12");
    expect(system[2]).toContain("Challenges: Retention of engineers");
    expect(system[3]).toContain("Ship v2 (business, 30% done)");
    expect(system[3]).not.toContain("marathon");
    expect(system[4]).toContain("they said) hiring senior engineers is blocking the platform roadmap");
    expect(system[4]).not.toContain("ramen");
    expect(sent.messages.at(-1)).toMatchObject({ content: "How do I speed up hiring senior engineers?" });
    await memoryIndexFor(database.db).idle();
  });

  it("streams the reply, stores both messages with their owner, embeddings and usage", async () => {
    const kim = await newAccount("kim");
    const { id, updatedAt } = await as(kim).coaching.conversations.create.mutate({});
    openai.replyOnce({ content: "Start with the one decision you keep postponing.", usage: { promptTokens: 50 } });
    const { chunks, done } = await send(kim, id, "Where should I start this week?");
    expect(chunks.join("")).toBe("Start with the one decision you keep postponing.");
    expect(chunks.length).toBeGreaterThan(3);
    expect(done).toMatchObject({ status: "complete", promptTokens: 50, completionTokens: 8, tokensUsed: 58 });
    expect(done.modelUsed).toBe("gpt-4o-mini");
    expect(done.latencyMs).toBeGreaterThanOrEqual(0);

    await memoryIndexFor(database.db).idle();
    const conversation = await as(kim).coaching.conversations.get.query({ conversationId: id });
    expect(conversation.messages.map((m) => [m.role, m.status, m.content])).toEqual([
      ["user", "complete", "Where should I start this week?"],
      ["assistant", "complete", "Start with the one decision you keep postponing."],
    ]);
    expect(conversation.updatedAt.getTime()).toBeGreaterThan(updatedAt.getTime());
    const stored = await database.db.message.findMany({ where: { conversationId: id }, include: { embedding: true } });
    expect(stored.every((m) => m.userId === kim.id && m.embedding?.userId === kim.id)).toBe(true);
    expect(stored.every((m) => m.embedding?.vector.byteLength === EMBEDDING_DIMENSIONS * 4)).toBe(true);
    const usage = await database.db.usageEvent.findMany({
      where: { userId: kim.id, kind: { not: "user_action" } },
      orderBy: { createdAt: "asc" },
    });
    expect(usage.map((u) => u.kind).sort()).toEqual(["chat_completion", "embedding", "embedding"]);
    const chat = usage.find((u) => u.kind === "chat_completion")!;
    expect(chat).toMatchObject({ model: "gpt-4o-mini", promptTokens: 50, completionTokens: 8, totalTokens: 58 });
    expect(Number(chat.estimatedCostUsd)).toBeGreaterThan(0);
    expect(chat.latencyMs).not.toBeNull();
  });

  it("keeps a cut-short reply as incomplete, says failures plainly, and answers without memories when embeddings fail", async () => {
    const sam = await newAccount("sam");
    const { id } = await as(sam).coaching.conversations.create.mutate({});
    openai.failNext(1, 429, { endpoint: "chat.completions" });
    expect((await errorOf(send(sam, id, "Hello?"))).message).toBe(
      "The assistant is very busy right now. Please try again in a moment.",
    );
    openai.replyOnce({ content: "This answer will be cut off halfway through", cutAfterChunks: 3 });
    expect((await errorOf(send(sam, id, "Tell me more"))).message).toMatch(/couldn't reach|couldn't answer/);
    await memoryIndexFor(database.db).idle(); // the cut-short reply's own embedding is not the one to fail
    openai.failNext(1, 500, { endpoint: "embeddings" });
    const { done } = await send(sam, id, "Still there?");
    expect(done).toMatchObject({ status: "complete", memoriesUsed: 0 });
    await memoryIndexFor(database.db).idle();

    const messages = await database.db.message.findMany({
      where: { conversationId: id },
      orderBy: { createdAt: "asc" },
      include: { embedding: { select: { messageId: true } } },
    });
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "failed"],
      ["user", "complete"],
      ["assistant", "incomplete"],
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(messages[3]!.content.length).toBeGreaterThan(0);
    expect(messages[4]!.embedding).toBeNull();
    // As the worker runs it each minute (coaching/jobs.ts).
    await runTask(
      coachingTaskList({ db: database.db, events, openai: client, log }, new JobQueue()),
      COACHING_TASKS.backfillEmbeddings,
    );
    expect(await database.db.messageEmbedding.findUnique({ where: { messageId: messages[4]!.id } })).not.toBeNull();
  });

  it("says AI is off plainly, writing nothing", async () => {
    const off = await newAccount("off");
    const { id } = await as(off).coaching.conversations.create.mutate({});
    const before = await coachingRows();
    const error = await errorOf(
      (async () => {
        for await (const _ of await (await caller(off, "off")).coaching.send({ conversationId: id, content: "hi" })) {
          /* drain */
        }
      })(),
    );
    expect(error).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("AI features are off"),
    });
    expect(await coachingRows()).toEqual(before);
  });
});

describe("goals and conversations live", () => {
  it("publishes goals and conversations to their owner only, each carrying the changed row", async () => {
    const lea = await newAccount("lea");
    const max = await newAccount("max");
    const watch = watchTopic(events, "coaching.updates", lea.id);
    const others = watchTopic(events, "coaching.updates", max.id);

    const goal = await as(lea).coaching.goals.create.mutate({ title: "Hire a CTO" });
    await as(lea).coaching.goals.update.mutate({ goalId: goal.id, progress: 40 });
    const conversation = await as(lea).coaching.conversations.create.mutate({ title: "Hiring" });
    openai.replyOnce({ content: "Write the role down first." });
    await send(lea, conversation.id, "How do I start?");
    await as(lea).coaching.conversations.rename.mutate({ conversationId: conversation.id, title: "Hiring plan" });
    await as(lea).coaching.goals.delete.mutate({ goalId: goal.id });
    await watch.until(7);
    expect(watch.received).toMatchObject([
      { kind: "goal", change: "created", goal: { id: goal.id, progress: 0, createdAt: goal.createdAt.toISOString() } },
      { kind: "goal", change: "updated", goal: { id: goal.id, progress: 40 } },
      { kind: "conversation", change: "created", conversation: { id: conversation.id, _count: { messages: 0 } } },
      { kind: "conversation", change: "updated", conversation: { _count: { messages: 1 } } }, // the question
      { kind: "conversation", change: "updated", conversation: { _count: { messages: 2 } } }, // the reply
      { kind: "conversation", change: "updated", conversation: { title: "Hiring plan" } },
      { kind: "goal", change: "deleted", goalId: goal.id },
    ]);
    // The list's rows and the events' rows are the same view.
    const { conversations } = await as(lea).coaching.conversations.list.query();
    const last = watch.received.at(-2);
    expect(last?.kind === "conversation" && last.change === "updated" && last.conversation.updatedAt).toBe(
      conversations[0]!.updatedAt.toISOString(),
    );

    // Another person's ids are refused before anything is written or published.
    expect((await errorOf(as(max).coaching.goals.delete.mutate({ goalId: goal.id }))).code).toBe("NOT_FOUND");
    expect(
      (await errorOf(as(max).coaching.conversations.rename.mutate({ conversationId: conversation.id, title: "x" })))
        .code,
    ).toBe("NOT_FOUND");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.received).toHaveLength(7);
    expect(others.received).toEqual([]);
    await watch.stop();
    await others.stop();
  });

  it("resumes from the lastEventId a list was read at", async () => {
    const noa = await newAccount("noa");
    const { lastEventId } = await as(noa).coaching.goals.list.query();
    const goal = await as(noa).coaching.goals.create.mutate({ title: "Ship the beta" });
    const stream = await (await caller(noa)).coaching.onUpdates({ lastEventId });
    for await (const event of stream) {
      const [, message] = event as unknown as [string, unknown];
      expect(message).toMatchObject({
        type: "event",
        payload: { kind: "goal", change: "created", goal: { id: goal.id } },
      });
      break;
    }
  });
});

describe("isolation between people", () => {
  it("answers every procedure called with another person's ids as NOT_FOUND, changing nothing", async () => {
    const alice = await newAccount("alice");
    const bob = await newAccount("bob");
    await as(alice).coaching.profile.upsert.mutate({ displayName: "Alice" });
    await as(alice).coaching.business.upsert.mutate({ companyName: "A Co", role: "CEO", industry: "Retail" });
    const goal = await as(alice).coaching.goals.create.mutate({ title: "Alice's secret goal" });
    const conversation = await as(alice).coaching.conversations.create.mutate({ title: "Alice's thoughts" });
    await send(alice, conversation.id, "My private plan");
    await memoryIndexFor(database.db).idle();
    const before = await coachingRows();
    const chatsBefore = openai.chatRequests.length;

    const goalId = goal.id;
    const conversationId = conversation.id;
    const denied: [string, () => Promise<unknown>][] = [
      ["goals.update", () => as(bob).coaching.goals.update.mutate({ goalId, title: "mine now" })],
      ["goals.delete", () => as(bob).coaching.goals.delete.mutate({ goalId })],
      ["conversations.get", () => as(bob).coaching.conversations.get.query({ conversationId })],
      ["conversations.rename", () => as(bob).coaching.conversations.rename.mutate({ conversationId, title: "x" })],
      ["conversations.delete", () => as(bob).coaching.conversations.delete.mutate({ conversationId })],
      [
        "send",
        async () => {
          for await (const _ of await (await caller(bob)).coaching.send({ conversationId, content: "hi" })) {
            /* drain */
          }
        },
      ],
    ];
    for (const [name, call] of denied) {
      const error = await errorOf(call());
      expect({ name, code: error.code }).toEqual({ name, code: "NOT_FOUND" });
      expect(error.message).not.toContain("Alice");
    }
    // Procedures without ids answer with Bob's own (empty) data, never Alice's.
    expect(await as(bob).coaching.profile.get.query()).toBeNull();
    expect(await as(bob).coaching.business.get.query()).toBeNull();
    expect((await as(bob).coaching.goals.list.query()).goals).toEqual([]);
    expect((await as(bob).coaching.conversations.list.query()).conversations).toEqual([]);
    // Bob's upserts create his own rows, not Alice's.
    await as(bob).coaching.profile.upsert.mutate({ displayName: "Bob" });
    await database.db.profile.delete({ where: { userId: bob.id } });

    expect(await coachingRows()).toEqual(before);
    expect(openai.chatRequests.length).toBe(chatsBefore);
  });
});

describe("bad input", () => {
  const goalId = randomUUID();
  const conversationId = randomUUID();
  const cases: { name: string; call: (a: ReturnType<typeof as>) => Promise<unknown>; field: string }[] = [
    {
      name: "empty display name",
      call: (a) => a.coaching.profile.upsert.mutate({ displayName: " " }),
      field: "displayName",
    },
    {
      name: "display name too long",
      call: (a) => a.coaching.profile.upsert.mutate({ displayName: "x".repeat(101) }),
      field: "displayName",
    },
    {
      name: "unknown time zone",
      call: (a) => a.coaching.profile.upsert.mutate({ displayName: "Al", timezone: "Mars/Olympus" }),
      field: "timezone",
    },
    {
      name: "onboarding flag as text",
      call: (a) => a.coaching.profile.upsert.mutate({ displayName: "Al", onboardingCompleted: "yes" as never }),
      field: "onboardingCompleted",
    },
    {
      name: "a client-chosen owner",
      call: (a) => a.coaching.profile.upsert.mutate({ displayName: "Al", userId: randomUUID() } as never),
      field: "",
    },
    {
      name: "empty company",
      call: (a) => a.coaching.business.upsert.mutate({ companyName: "", role: "CEO", industry: "Retail" }),
      field: "companyName",
    },
    {
      name: "negative team size",
      call: (a) => a.coaching.business.upsert.mutate({ companyName: "C", role: "CEO", industry: "R", teamSize: -3 }),
      field: "teamSize",
    },
    {
      name: "fractional team size",
      call: (a) => a.coaching.business.upsert.mutate({ companyName: "C", role: "CEO", industry: "R", teamSize: 2.5 }),
      field: "teamSize",
    },
    { name: "empty goal title", call: (a) => a.coaching.goals.create.mutate({ title: "" }), field: "title" },
    {
      name: "progress over 100",
      call: (a) => a.coaching.goals.create.mutate({ title: "G", progress: 101 }),
      field: "progress",
    },
    {
      name: "negative progress",
      call: (a) => a.coaching.goals.create.mutate({ title: "G", progress: -1 }),
      field: "progress",
    },
    {
      name: "unknown category",
      call: (a) => a.coaching.goals.create.mutate({ title: "G", category: "hobby" as never }),
      field: "category",
    },
    {
      name: "impossible target date",
      call: (a) => a.coaching.goals.create.mutate({ title: "G", targetDate: "2026-13-40" }),
      field: "targetDate",
    },
    {
      name: "target date in words",
      call: (a) => a.coaching.goals.create.mutate({ title: "G", targetDate: "next week" }),
      field: "targetDate",
    },
    {
      name: "unknown goal status",
      call: (a) => a.coaching.goals.update.mutate({ goalId, status: "done" as never }),
      field: "status",
    },
    { name: "goal update changing nothing", call: (a) => a.coaching.goals.update.mutate({ goalId }), field: "" },
    { name: "malformed goal id", call: (a) => a.coaching.goals.delete.mutate({ goalId: "nope" }), field: "goalId" },
    {
      name: "unknown session type",
      call: (a) => a.coaching.conversations.create.mutate({ sessionType: "therapy" as never }),
      field: "sessionType",
    },
    {
      name: "conversation title too long",
      call: (a) => a.coaching.conversations.rename.mutate({ conversationId, title: "t".repeat(201) }),
      field: "title",
    },
    {
      name: "malformed conversation id",
      call: (a) => a.coaching.conversations.get.query({ conversationId: "42" }),
      field: "conversationId",
    },
  ];

  it.each(cases)("refuses $name with a clear message, writing nothing", async ({ call, field }) => {
    const account = await newAccount("bad");
    const before = await coachingRows();
    const error = await errorOf(call(as(account)));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(error.message).not.toMatch(/zod|invalid_type|undefined|reference/i);
    expect(await coachingRows()).toEqual(before);
  });

  const sends: { name: string; input: { conversationId: string; content: string } }[] = [
    { name: "an empty message", input: { conversationId, content: "   " } },
    { name: "a message over 4,000 characters", input: { conversationId, content: "x".repeat(4001) } },
    { name: "a malformed conversation id", input: { conversationId: "nope", content: "hi" } },
  ];
  it.each(sends)("refuses to send $name, writing nothing and calling no AI", async ({ input }) => {
    const account = await newAccount("bad-send");
    const before = await coachingRows();
    const requests = openai.requests.length;
    const error = await errorOf((async () => (await caller(account)).coaching.send(input))());
    expect(error.code).toBe("BAD_REQUEST");
    expect(await coachingRows()).toEqual(before);
    expect(openai.requests.length).toBe(requests);
  });
});
