// Agent chat under load: 200 concurrent sessions each send one message to the OpenAI wire fake
// (20 ms between tokens). Baseline in the same run: the same 200 streams straight through the
// OpenAI SDK. The difference is what Switchboard adds per message (checks, storing the visitor's
// message and the reply, history): reported for the first token and for the whole reply.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createCaller, createContext } from "@switchboard/api";
import { createDatabase, migrate, startEmbeddedPostgres } from "@switchboard/db";
import { createOpenAIClient } from "@switchboard/integrations";
import { startOpenAIFake } from "@switchboard/testing";
import pino from "pino";
import { percentiles, writeResults } from "./measure.ts";

const SESSIONS = 200;
const REPLY = "Thanks for asking, we are open from nine until five on weekdays and ten until two on Saturdays.";

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
  const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  const fake = await startOpenAIFake({ tokenDelayMs: 20 });
  fake.reply(REPLY);
  try {
    await postgres.ensureDatabase("bench");
    const url = postgres.url("bench");
    await migrate(url);
    const db = createDatabase(url, { poolSize: 20 });
    const openai = createOpenAIClient({ apiKey: "sk-bench", baseURL: fake.baseURL })!.withOptions({ maxRetries: 0 });
    const organization = await db.organization.create({ data: { name: "Bench Org", slug: "bench-org" } });
    const agent = await db.agent.create({ data: { organizationId: organization.id, name: "Bench agent" } });
    const version = await db.agentVersion.create({
      data: {
        agentId: agent.id,
        version: 1,
        status: "published",
        publishedAt: new Date(),
        model: "gpt-4o-mini",
        systemPrompt: "You answer questions about opening hours.",
        allowedDomains: ["shop.bench"],
        rateLimitPerSession: 100,
      },
    });
    await db.agent.update({ where: { id: agent.id }, data: { publishedVersionId: version.id } });
    const log = pino({ level: "silent" });
    const visitor = async () =>
      createCaller(
        await createContext({
          db,
          log,
          token: null,
          requestId: randomUUID(),
          events: undefined as never,
          ai: { openai, sessionIdleMs: 600_000 },
          client: { origin: "https://shop.bench", ip: "127.0.0.1" },
        }),
      );

    // Baseline: the SDK straight to the fake.
    const baseline = async () => {
      const started = performance.now();
      let first = 0;
      const stream = await openai.chat.completions.create({
        model: "gpt-4o-mini",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "When are you open?" }],
      });
      for await (const chunk of stream)
        if (!first && chunk.choices[0]?.delta?.content) first = performance.now() - started;
      return { first, total: performance.now() - started };
    };
    await Promise.all(Array.from({ length: 20 }, baseline)); // warm
    const direct = await Promise.all(Array.from({ length: SESSIONS }, baseline));

    // Through Switchboard: start a session, send a message, stream the reply.
    const sessionIds = await Promise.all(
      Array.from(
        { length: SESSIONS },
        async () => (await (await visitor()).agents.startSession({ agentId: agent.id })).sessionId,
      ),
    );
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    const through = await Promise.all(
      sessionIds.map(async (sessionId) => {
        const caller = await visitor();
        const started = performance.now();
        let first = 0;
        let done = false;
        for await (const message of await caller.agents.sendMessage({ sessionId, content: "When are you open?" })) {
          if (!first && message.type === "chunk") first = performance.now() - started;
          if (message.type === "done") done = message.status === "complete";
        }
        return { first, total: performance.now() - started, done };
      }),
    );
    clearInterval(sampler);
    const stored = await db.agentMessage.count({ where: { role: "assistant", status: "complete" } });
    await db.$disconnect();

    const directFirst = percentiles(direct.map((r) => r.first));
    const directTotal = percentiles(direct.map((r) => r.total));
    const oursFirst = percentiles(through.map((r) => r.first));
    const oursTotal = percentiles(through.map((r) => r.total));
    writeResults("agents", {
      sessions: SESSIONS,
      tokenSpacingMs: 20,
      completeReplies: through.filter((r) => r.done).length,
      storedCompleteReplies: stored,
      baselineSdkDirect: { firstTokenMs: directFirst, totalMs: directTotal },
      throughSwitchboard: { firstTokenMs: oursFirst, totalMs: oursTotal },
      addedFirstTokenMs: { p50: round(oursFirst.p50 - directFirst.p50), p99: round(oursFirst.p99 - directFirst.p99) },
      addedPerMessageMs: { p50: round(oursTotal.p50 - directTotal.p50), p99: round(oursTotal.p99 - directTotal.p99) },
      targetAddedFirstTokenP99Ms: 10,
      pass: oursFirst.p99 - directFirst.p99 < 10,
      rssDeltaDuringChatMb: round((rssPeak - rssBefore) / 1024 / 1024),
      note: "server and fake in one process on 2 cores; the fake's own streaming shares the CPU with the server",
    });
  } finally {
    await fake.close();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
