import { randomUUID } from "node:crypto";
import { createOpenAIClient } from "@switchboard/integrations";
import { startOpenAIFake } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, createTestOrganization, type TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";
import { watchTopic } from "../../test/live-events.ts";
import { runTask } from "../../test/run-task.ts";
import { silentLog, testServices } from "../../test/services.ts";
import { createCaller } from "../root.ts";
import { createContext } from "../trpc.ts";
import type { ChatStreamMessage } from "./chat.ts";
import { AGENT_TASKS, agentTaskList } from "./jobs.ts";

const h = useTestApi();
let owner: TestAccount;
let member: TestAccount;
let outsider: TestAccount;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  owner = await createTestAccount(h.database.db, { email: "owner-a@example.com" });
  member = await createTestAccount(h.database.db, { email: "member-a@example.com" });
  outsider = await createTestAccount(h.database.db, { email: "owner-b@example.com" });
  orgA = (await createTestOrganization(h.database.db, "org-a", [{ userId: owner.id }])).id;
  await h.database.db.membership.updateMany({ where: { organizationId: orgA }, data: { role: "owner" } });
  await h.database.db.membership.create({ data: { organizationId: orgA, userId: member.id, role: "member" } });
  orgB = (await createTestOrganization(h.database.db, "org-b", [{ userId: outsider.id }])).id;
  await h.database.db.membership.updateMany({ where: { organizationId: orgB }, data: { role: "owner" } });
});

const as = (account: TestAccount | null, origin?: string) =>
  h.client({ authorization: account ? `Bearer ${account.token}` : "" }, origin);

const config = {
  name: "Front desk",
  description: "Answers questions",
  model: "gpt-4o-mini",
  systemPrompt: "You are helpful.",
  temperature: 0.4,
  maxTokens: 256,
  allowedDomains: ["shop-a.example", "*.brand-a.example"],
};

async function publishedAgent() {
  const { agentId } = await as(owner).agents.create.mutate({ organizationId: orgA, config });
  await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
  return agentId;
}

describe("agent configuration", () => {
  it("versions edits: a published version is frozen, editing it starts a new draft", async () => {
    const { agentId } = await as(owner).agents.create.mutate({ organizationId: orgA, config });
    await as(owner).agents.update.mutate({ organizationId: orgA, agentId, config: { ...config, temperature: 0.9 } });
    let agent = await as(member).agents.get.query({ organizationId: orgA, agentId });
    expect(agent.versions.map((v) => [v.version, v.status])).toEqual([[1, "draft"]]);
    expect(agent.versions[0]!.usesOwnEndpoint).toBe(false);
    expect(agent.latest.temperature).toBe(0.9);

    const published = await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    expect(published.version).toBe(1);
    const same = await as(owner).agents.update.mutate({
      organizationId: orgA,
      agentId,
      config: { ...config, temperature: 0.9 },
    });
    expect(same).toMatchObject({ version: 1, newVersion: false }); // saving without changes makes no version
    const edit = await as(owner).agents.update.mutate({
      organizationId: orgA,
      agentId,
      config: { ...config, systemPrompt: "Be brief." },
    });
    expect(edit).toMatchObject({ version: 2, newVersion: true });
    agent = await as(owner).agents.get.query({ organizationId: orgA, agentId });
    expect(agent.versions.map((v) => [v.version, v.status])).toEqual([
      [2, "draft"],
      [1, "published"],
    ]);
    const v1 = await h.database.db.agentVersion.findFirstOrThrow({ where: { agentId, version: 1 } });
    expect(v1.systemPrompt).toBe("You are helpful.");
    await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    agent = await as(owner).agents.get.query({ organizationId: orgA, agentId });
    expect(agent.versions.map((v) => v.status)).toEqual(["published", "archived"]);
    expect(await errorOf(as(owner).agents.publish.mutate({ organizationId: orgA, agentId }))).toMatchObject({
      message: "There are no unpublished changes to publish.",
    });
  });

  it("pins a session to the version it started on", async () => {
    const agentId = await publishedAgent();
    const session = await as(null, "https://shop-a.example").agents.startSession.mutate({ agentId });
    expect(session.versionNumber).toBe(1);
    await as(owner).agents.update.mutate({ organizationId: orgA, agentId, config: { ...config, model: "gpt-4o" } });
    await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    const stored = await h.database.db.agentSession.findUniqueOrThrow({
      where: { publicId: session.sessionId },
      include: { agentVersion: true },
    });
    expect(stored.agentVersion).toMatchObject({ version: 1, model: "gpt-4o-mini" });
    const later = await as(null, "https://shop-a.example").agents.startSession.mutate({ agentId });
    expect(later.versionNumber).toBe(2);
  });

  it("lets members read but only admins edit", async () => {
    const { agentId } = await as(owner).agents.create.mutate({ organizationId: orgA, config });
    expect((await as(member).agents.list.query({ organizationId: orgA })).agents.map((a) => a.agentId)).toContain(
      agentId,
    );
    expect(await errorOf(as(member).agents.publish.mutate({ organizationId: orgA, agentId }))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an organization admin can do this.",
    });
  });
});

describe("isolation between organizations and websites", () => {
  it("hides another organization's agents as NOT_FOUND", async () => {
    const agentId = await publishedAgent();
    const calls = [
      () => as(outsider).agents.get.query({ organizationId: orgB, agentId }),
      () => as(outsider).agents.update.mutate({ organizationId: orgB, agentId, config }),
      () => as(outsider).agents.publish.mutate({ organizationId: orgB, agentId }),
      () => as(outsider).agents.sessions.query({ organizationId: orgB, agentId }),
      () => as(outsider).agents.stats.query({ organizationId: orgB, agentId }),
      () => as(outsider).agents.list.query({ organizationId: orgA }),
    ];
    for (const call of calls) expect((await errorOf(call())).code).toBe("NOT_FOUND");
    expect((await as(outsider).agents.list.query({ organizationId: orgB })).agents).toEqual([]);
  });

  it("starts sessions only from allowed domains and binds them to it", async () => {
    const agentId = await publishedAgent();
    expect(await errorOf(as(null, "https://evil.example").agents.startSession.mutate({ agentId }))).toMatchObject({
      code: "FORBIDDEN",
      message: "This assistant isn't enabled for evil.example.",
    });
    expect(await errorOf(as(null).agents.startSession.mutate({ agentId }))).toMatchObject({ code: "FORBIDDEN" });
    const sub = await as(null, "https://help.brand-a.example").agents.startSession.mutate({ agentId });
    const stored = await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId: sub.sessionId } });
    expect(stored).toMatchObject({ websiteDomain: "help.brand-a.example", channel: "web", status: "active" });
  });

  it("keeps at least one owner", async () => {
    const lonely = await createTestAccount(h.database.db, { email: `solo-${randomUUID()}@example.com` });
    const org = await createTestOrganization(h.database.db, `solo-${randomUUID().slice(0, 8)}`, [
      { userId: lonely.id },
    ]);
    await h.database.db.membership.updateMany({ where: { organizationId: org.id }, data: { role: "owner" } });
    expect(
      await errorOf(
        as(lonely).organizations.changeRole.mutate({ organizationId: org.id, userId: lonely.id, role: "member" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("at least one owner") });
    expect(
      await errorOf(as(lonely).organizations.removeMember.mutate({ organizationId: org.id, userId: lonely.id })),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  it("invites by link: only the invited email can accept, once", async () => {
    const invitee = await createTestAccount(h.database.db, { email: `invitee-${randomUUID()}@example.com` });
    const { token } = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: invitee.email,
      role: "admin",
    });
    expect((await errorOf(as(outsider).organizations.acceptInvitation.mutate({ token }))).code).toBe("FORBIDDEN");
    await as(invitee).organizations.acceptInvitation.mutate({ token });
    const { members } = await as(owner).organizations.members.query({ organizationId: orgA });
    expect(members.find((m) => m.userId === invitee.id)?.role).toBe("admin");
    expect((await errorOf(as(invitee).organizations.acceptInvitation.mutate({ token }))).code).toBe("NOT_FOUND");
  });
});

describe("bad input", () => {
  const cases: { name: string; change: Record<string, unknown>; field: string }[] = [
    { name: "temperature above 2", change: { temperature: 2.5 }, field: "config.temperature" },
    { name: "negative temperature", change: { temperature: -1 }, field: "config.temperature" },
    { name: "empty name", change: { name: "" }, field: "config.name" },
    { name: "empty prompt", change: { systemPrompt: "" }, field: "config.systemPrompt" },
    { name: "prompt over 8,000 characters", change: { systemPrompt: "x".repeat(8001) }, field: "config.systemPrompt" },
    {
      name: "domain with a scheme",
      change: { allowedDomains: ["https://shop.example"] },
      field: "config.allowedDomains.0",
    },
    { name: "domain with a path", change: { allowedDomains: ["shop.example/path"] }, field: "config.allowedDomains.0" },
    { name: "max tokens too large", change: { maxTokens: 100_000 }, field: "config.maxTokens" },
    { name: "max tokens not whole", change: { maxTokens: 10.5 }, field: "config.maxTokens" },
    { name: "unknown provider", change: { llmProvider: "acme-ai" }, field: "config.llmProvider" },
    { name: "compatible base URL not http", change: { llmBaseUrl: "ftp://llm.local" }, field: "config.llmBaseUrl" },
    { name: "rate limit zero", change: { rateLimitPerSession: 0 }, field: "config.rateLimitPerSession" },
    { name: "missing model", change: { model: "" }, field: "config.model" },
  ];
  it.each(cases)("refuses $name with a field message, writing nothing", async ({ change, field }) => {
    const before = await h.database.db.agentVersion.count();
    const error = await errorOf(
      as(owner).agents.create.mutate({ organizationId: orgA, config: { ...config, ...change } as typeof config }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(error.message).not.toMatch(/zod|invalid_type|undefined/i);
    expect(await h.database.db.agentVersion.count()).toBe(before);
  });

  const sessionCases: { name: string; input: Record<string, unknown>; field: string }[] = [
    { name: "an agent id that is not one", input: { agentId: "front-desk" }, field: "agentId" },
    { name: "an unknown channel", input: { agentId: randomUUID(), channel: "fax" }, field: "channel" },
    {
      name: "context data too long",
      input: { agentId: randomUUID(), contextData: { page: "x".repeat(501) } },
      field: "contextData.page",
    },
    {
      name: "context data that is not text, number or yes/no",
      input: { agentId: randomUUID(), contextData: { cart: { items: 3 } } },
      field: "contextData.cart",
    },
    { name: "an unknown field", input: { agentId: randomUUID(), organizationId: randomUUID() }, field: "" },
  ];
  it.each(sessionCases)("refuses a session with $name, starting nothing", async ({ input, field }) => {
    const before = await h.database.db.agentSession.count();
    const error = await errorOf(as(null, "https://shop-a.example").agents.startSession.mutate(input as never));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(await h.database.db.agentSession.count()).toBe(before);
  });

  it("refuses malformed ids and a session of an unpublished agent plainly", async () => {
    expect(await errorOf(as(owner).agents.get.query({ organizationId: orgA, agentId: "nope" }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    const { agentId } = await as(owner).agents.create.mutate({ organizationId: orgA, config });
    expect(await errorOf(as(null, "https://shop-a.example").agents.startSession.mutate({ agentId }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This assistant isn't available.",
    });
    expect(
      await errorOf(as(null, "https://shop-a.example").agents.startSession.mutate({ agentId: randomUUID() })),
    ).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("chat", () => {
  let openai: Awaited<ReturnType<typeof startOpenAIFake>>;
  let client: ReturnType<typeof createOpenAIClient>;
  beforeAll(async () => {
    openai = await startOpenAIFake({ tokenDelayMs: 1 });
    client = createOpenAIClient({ apiKey: "sk-test", baseURL: openai.baseURL })!.withOptions({ maxRetries: 0 });
  });
  afterAll(async () => {
    await openai.close();
  });

  /** A server-side caller as a website visitor on `origin` (or a signed-in member). */
  async function caller(origin: string | null, account?: TestAccount, idleMs = 60_000) {
    const ctx = await createContext(
      testServices({ db: h.database.db, events: h.events, ai: { openai: client, sessionIdleMs: idleMs } }),
      { token: account?.token ?? null, requestId: randomUUID(), client: { origin, ip: "203.0.113.9" } },
    );
    return createCaller(ctx);
  }

  async function chat(origin: string | null, sessionId: string, content: string, account?: TestAccount) {
    const chunks: string[] = [];
    let done: Extract<ChatStreamMessage, { type: "done" }> | null = null;
    const stream = await (await caller(origin, account)).agents.sendMessage({ sessionId, content });
    for await (const message of stream) {
      if (message.type === "chunk") chunks.push(message.text);
      else done = message;
    }
    return { chunks, done: done! };
  }

  it("publishes agents and conversations live to the organization only, in the change's transaction", async () => {
    const watch = watchTopic(h.events, "agents.activity", orgA);
    const elsewhere = watchTopic(h.events, "agents.activity", orgB);
    const agentId = await publishedAgent(); // created, then published
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    openai.replyOnce({ content: "Hello there.", usage: { promptTokens: 3, completionTokens: 2 } });
    await chat("https://shop-a.example", sessionId, "Hi");
    await watch.until(4);
    const [created, published, started, replied] = watch.received;
    expect(created).toMatchObject({
      kind: "agent",
      agent: { agentId, latestVersion: { status: "draft" }, sessions: 0 },
    });
    expect(published).toMatchObject({ kind: "agent", agent: { agentId, published: { version: 1 } } });
    expect(started).toMatchObject({
      kind: "session",
      change: "started",
      agentId,
      agentSessions: 1,
      session: { messageCount: 0, status: "active", isTestPanel: false },
    });
    // One event per turn: the visitor's message and the reply, counted together.
    expect(replied).toMatchObject({
      kind: "session",
      change: "updated",
      agentSessions: 1,
      session: { messageCount: 2 },
    });
    // Each event carries the row as the queries return it (with ISO instants).
    const { sessions } = await as(owner).agents.sessions.query({ organizationId: orgA, agentId });
    expect(replied?.kind === "session" && replied.session.lastActivityAt).toBe(
      sessions[0]!.lastActivityAt.toISOString(),
    );

    // A refused change publishes nothing.
    expect((await errorOf(as(member).agents.publish.mutate({ organizationId: orgA, agentId }))).code).toBe("FORBIDDEN");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.received).toHaveLength(4);
    expect(elsewhere.received).toEqual([]);
    await watch.stop();
    await elsewhere.stop();
  });

  it("follows an organization's activity only for its members, from where the list was read", async () => {
    const outsiderFollows = (await h.caller(outsider)).agents.onActivity({ organizationId: orgA, lastEventId: null });
    expect(await errorOf(outsiderFollows)).toMatchObject({ code: "NOT_FOUND" });
    const badId = (await h.caller(member)).agents.onActivity({ organizationId: orgA, lastEventId: "yesterday" });
    expect(await errorOf(badId)).toMatchObject({ code: "BAD_REQUEST" });

    // Read the list, then a conversation starts before the page subscribes: the subscription still gets it.
    const agentId = await publishedAgent();
    const { lastEventId, agents } = await as(member).agents.list.query({ organizationId: orgA });
    expect(agents.find((agent) => agent.agentId === agentId)?.sessions).toBe(0);
    await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    const stream = await (await h.caller(member)).agents.onActivity({ organizationId: orgA, lastEventId });
    for await (const event of stream) {
      // A server-side caller yields the procedure's own tracked(id, message) envelopes.
      const [, message] = event as unknown as [string, unknown];
      expect(message).toMatchObject({ type: "event", payload: { kind: "session", agentId, agentSessions: 1 } });
      break; // ends the subscription
    }
  });

  it("streams the reply in order and stores it with tokens, latency and the model", async () => {
    const agentId = await publishedAgent();
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    openai.replyOnce({
      content: "Our opening hours are nine to five.",
      usage: { promptTokens: 12, completionTokens: 8 },
    });
    const { chunks, done } = await chat("https://shop-a.example", sessionId, "When are you open?");
    expect(chunks.join("")).toBe("Our opening hours are nine to five.");
    expect(chunks.length).toBeGreaterThan(3);
    expect(done).toMatchObject({ status: "complete", promptTokens: 12, completionTokens: 8, tokensUsed: 20 });
    expect(done.latencyMs).toBeGreaterThanOrEqual(0);
    const sent = openai.chatRequests.at(-1)!;
    expect(sent).toMatchObject({ model: "gpt-4o-mini", temperature: 0.4, max_tokens: 256, stream: true });
    expect(sent.messages.map((m) => m.role)).toEqual(["system", "user"]);
    const stored = await h.database.db.agentSession.findUniqueOrThrow({
      where: { publicId: sessionId },
      include: { messages: { orderBy: { createdAt: "asc" } } },
    });
    expect(stored.messageCount).toBe(2);
    expect(stored.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored.messages[1]).toMatchObject({ tokensUsed: 20, modelUsed: "gpt-4o-mini" });
    const stats = await as(owner).agents.stats.query({ organizationId: orgA, agentId, days: 1 });
    expect(stats.days.at(-1)).toMatchObject({ conversations: 1, messages: 2, tokens: 20, errors: 0 });
  });

  it("turns an OpenAI failure into a plain message and keeps a cut-short reply as incomplete", async () => {
    const agentId = await publishedAgent();
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    openai.failNext(1, 429);
    const limited = await errorOf(chat("https://shop-a.example", sessionId, "Hello?"));
    expect(limited.message).toBe("The assistant is very busy right now. Please try again in a moment.");
    openai.replyOnce({ content: "This answer will be cut off halfway through", cutAfterChunks: 3 });
    expect((await errorOf(chat("https://shop-a.example", sessionId, "Tell me more"))).message).toMatch(
      /couldn't reach the assistant|couldn't answer/,
    );
    const messages = await h.database.db.agentMessage.findMany({
      where: { session: { publicId: sessionId } },
      orderBy: { createdAt: "asc" },
    });
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "failed"],
      ["user", "complete"],
      ["assistant", "incomplete"],
    ]);
    expect(messages[1]!.errorCode).toBe("ai_rate_limited");
    expect(messages[3]!.content.length).toBeGreaterThan(0);
  });

  it("sends the history trimmed to the budget, newest kept", async () => {
    const agentId = await publishedAgent();
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    const session = await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId: sessionId } });
    for (let i = 0; i < 40; i++) {
      await h.database.db.agentMessage.create({
        data: { sessionId: session.id, role: i % 2 ? "assistant" : "user", content: `old ${i} ${"x".repeat(800)}` },
      });
    }
    await chat("https://shop-a.example", sessionId, "latest question");
    const sent = openai.chatRequests.at(-1)!;
    expect(sent.messages.length).toBeLessThan(42);
    expect(sent.messages.at(-1)).toMatchObject({ role: "user", content: "latest question" });
    expect(sent.messages.some((m) => String(m.content).startsWith("old 0 "))).toBe(false);
    expect(sent.messages.some((m) => String(m.content).startsWith("old 39 "))).toBe(true);
  });

  it("refuses a session id from another website, after idling, and beyond its rate limit", async () => {
    const { agentId } = await as(owner).agents.create.mutate({
      organizationId: orgA,
      config: { ...config, rateLimitPerSession: 2 },
    });
    await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    expect(await errorOf(chat("https://other.example", sessionId, "hi"))).toMatchObject({ code: "NOT_FOUND" });
    await chat("https://shop-a.example", sessionId, "one");
    await chat("https://shop-a.example", sessionId, "two");
    expect(await errorOf(chat("https://shop-a.example", sessionId, "three"))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "You're sending messages too quickly. Please wait a moment and try again.",
    });
    await h.database.db.agentSession.update({
      where: { publicId: sessionId },
      data: { lastActivityAt: new Date(Date.now() - 120_000) },
    });
    // Refused before the subscription starts (the resolver answers, not the stream).
    const idle = (await caller("https://shop-a.example", undefined, 60_000)).agents.sendMessage({
      sessionId,
      content: "still there?",
    });
    expect(await errorOf(idle)).toMatchObject({
      message: "This chat ended because it was idle for too long. Start a new one.",
    });
    expect((await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId: sessionId } })).status).toBe(
      "expired",
    );
  });

  it("ends sessions idle past the limit through the idle-session cron task, and only those", async () => {
    const { agentId } = await as(owner).agents.create.mutate({ organizationId: orgA, config });
    await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    const visitor = await caller("https://shop-a.example");
    const idle = await visitor.agents.startSession({ agentId });
    const active = await visitor.agents.startSession({ agentId });
    await h.database.db.agentSession.update({
      where: { publicId: idle.sessionId },
      data: { lastActivityAt: new Date(Date.now() - 120_000) },
    });
    await runTask(
      agentTaskList({ db: h.database.db, events: h.events, log: silentLog, sessionIdleMs: 60_000 }),
      AGENT_TASKS.expireIdleSessions,
    );
    const statusOf = async (publicId: string) =>
      (await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId } })).status;
    expect(await statusOf(idle.sessionId)).toBe("expired");
    expect(await statusOf(active.sessionId)).toBe("active");
  });

  it("holds the rate limit exactly when a session's messages arrive all at once", async () => {
    const { agentId } = await as(owner).agents.create.mutate({
      organizationId: orgA,
      config: { ...config, rateLimitPerSession: 3 },
    });
    await as(owner).agents.publish.mutate({ organizationId: orgA, agentId });
    const { sessionId } = await (await caller("https://shop-a.example")).agents.startSession({ agentId });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => chat("https://shop-a.example", sessionId, `burst ${i}`)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(refused).toHaveLength(7);
    for (const reason of refused) expect(reason).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    const stored = await h.database.db.agentMessage.count({
      where: { session: { publicId: sessionId }, role: "user" },
    });
    expect(stored).toBe(3);
    const session = await h.database.db.agentSession.findUniqueOrThrow({ where: { publicId: sessionId } });
    expect(session.messageCount).toBe(6); // three questions and their three replies
  });

  it("lets members chat from the dashboard's test panel, and nobody else", async () => {
    const agentId = await publishedAgent();
    const { sessionId } = await (await caller(null, member)).agents.startSession({ agentId, testPanel: true });
    const { done } = await chat(null, sessionId, "test", member);
    expect(done.status).toBe("complete");
    expect(await errorOf(chat(null, sessionId, "test", outsider))).toMatchObject({ code: "NOT_FOUND" });
  });
});
