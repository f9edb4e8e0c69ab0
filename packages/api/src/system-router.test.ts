// system.capabilities says what the server can do, and what it says is what happens: with AI on
// the coach answers; with AI off the coach refuses with AI_DISABLED, as the dashboard warned.
import { randomUUID } from "node:crypto";
import { createOpenAIClient } from "@switchboard/integrations";
import { createTestDatabase, startOpenAIFake, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../test/accounts.ts";
import { errorOf } from "../test/api-client.ts";
import { testServices } from "../test/services.ts";
import type { AiRuntime } from "./ai/runtime.ts";
import { JobQueue } from "./job-queue.ts";
import { type AppEventBus, createAppEventBus } from "./live-events.ts";
import { createCaller } from "./root.ts";
import type { Services } from "./services.ts";
import { createContext } from "./trpc.ts";

let database: TestDatabase;
let openai: Awaited<ReturnType<typeof startOpenAIFake>>;
let aiOn: AiRuntime;
let account: TestAccount;
/** A real bus: starting a conversation publishes it on coaching.updates. */
let events: AppEventBus;

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  openai = await startOpenAIFake({ tokenDelayMs: 0 });
  const client = createOpenAIClient({ apiKey: "sk-test", baseURL: openai.baseURL })!.withOptions({ maxRetries: 0 });
  aiOn = { openai: client, sessionIdleMs: 60_000 };
  account = await createTestAccount(database.db, { email: `capabilities-${randomUUID()}@example.com` });
});
afterAll(async () => {
  await events?.stop();
  await openai?.close();
  await database?.drop();
});

async function callerOn(
  server: Pick<Services, "ai" | "jobs" | "serviceSessions">,
  token: string | null = account.token,
) {
  const services = testServices({ db: database.db, events, ...server });
  return createCaller(await createContext(services, { token, requestId: randomUUID() }));
}

/** One turn with the coach (no job worker: the turn's background follow-ups are not under test here). */
async function coachAnswers(server: Pick<Services, "ai">): Promise<string> {
  const conversation = await (await callerOn(server)).coaching.conversations.create({});
  let reply = "";
  const stream = await (await callerOn(server)).coaching.send({ conversationId: conversation.id, content: "Hello" });
  for await (const message of stream) if (message.type === "done") reply = message.content;
  return reply;
}

describe("system.capabilities", () => {
  it("with the server's AI and a job worker: AI replies and summaries are on, and the coach answers", async () => {
    const server = { ai: aiOn, jobs: new JobQueue() };
    expect(await (await callerOn(server)).system.capabilities()).toEqual({
      aiReplies: true,
      aiSummaries: true,
      videoIceServers: false,
    });
    openai.replyOnce("Happy to help.");
    expect(await coachAnswers({ ai: aiOn })).toBe("Happy to help.");
  });

  it("with the server's AI but no job worker: replies are on, summaries are off", async () => {
    const capabilities = await (await callerOn({ ai: aiOn, jobs: null })).system.capabilities();
    expect(capabilities).toEqual({ aiReplies: true, aiSummaries: false, videoIceServers: false });
  });

  it("with no AI configured: both are off, and the coach refuses as announced", async () => {
    for (const ai of [null, { openai: null, sessionIdleMs: 60_000 }]) {
      const server = { ai, jobs: new JobQueue() };
      expect(await (await callerOn(server)).system.capabilities()).toEqual({
        aiReplies: false,
        aiSummaries: false,
        videoIceServers: false,
      });
      expect(await errorOf(coachAnswers({ ai }))).toMatchObject({
        code: "PRECONDITION_FAILED",
        message: expect.stringContaining("AI features are off"),
      });
    }
  });

  it("says whether ICE servers are configured for video, never which ones or their credentials", async () => {
    const iceServers = [{ urls: "turn:turn.example.com:3478", username: "switchboard", credential: "turn-secret" }];
    const capabilities = await (
      await callerOn({ serviceSessions: { joinWithinMs: 60_000, iceServers } })
    ).system.capabilities();
    expect(capabilities.videoIceServers).toBe(true);
    expect(JSON.stringify(capabilities)).not.toContain("turn-secret");
    expect(JSON.stringify(capabilities)).not.toContain("turn.example.com");
  });

  it("tells nobody who is signed out, and never the configuration itself", async () => {
    expect(await errorOf((await callerOn({ ai: aiOn }, null)).system.capabilities())).toMatchObject({
      code: "UNAUTHORIZED",
    });
    const answer = JSON.stringify(await (await callerOn({ ai: aiOn })).system.capabilities());
    expect(answer).not.toContain(openai.baseURL);
    expect(answer).not.toContain("sk-test");
  });
});
