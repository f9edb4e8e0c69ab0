// Agent chat under load against the OpenAI wire fake (20 ms between tokens), the fake in a
// process of its own. Baseline in the same run and the same load shape: the same streams
// straight through the OpenAI SDK. The difference is what Switchboard adds per message (domain,
// idle and rate checks under the session's row lock, storing the visitor's message and the
// reply, reading the history), for the first token and for the whole reply.
//
// Three load shapes:
//   steady  200 concurrent sessions, each a conversation of TURNS messages with a think time of
//           0–5 s before each one (people chatting: about 70 messages/s); the target is read here;
//   busy    the same with 0–1 s think times (about 200 messages/s, near what 2 cores carry);
//   burst   200 sessions all sending their first message at the same instant (the worst case:
//           every message queues for the database pool and the 2 cores at once).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createCaller, createContext } from "@switchboard/api";
import { createDatabase, type Database, migrate, startEmbeddedPostgres } from "@switchboard/db";
import { createOpenAIClient, type OpenAIClient } from "@switchboard/integrations";
import pino from "pino";
import { percentiles, runBenchmark } from "./measure.ts";

const SESSIONS = 200;
const TURNS = 5;
const ROUNDS = 2;
const REPLY = "Thanks for asking, we are open from nine until five on weekdays and ten until two on Saturdays.";
const QUESTION = "When are you open?";

const here = path.dirname(fileURLToPath(import.meta.url));

async function startFakeProcess(): Promise<{ baseURL: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "openai-fake-process.ts")], {
    env: { ...process.env, OPENAI_FAKE_TOKEN_DELAY_MS: "20", OPENAI_FAKE_REPLY: REPLY },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const ready = JSON.parse(line) as { baseURL: string };
    return { baseURL: ready.baseURL, child };
  }
  throw new Error("the OpenAI fake process ended before it was ready");
}

/** A deterministic think time per session and turn, the same for both arms. */
const thinkMs = (maxMs: number, session: number, turn: number) =>
  ((session * 7919 + turn * 104729) % 1000) * (maxMs / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  first: number;
  total: number;
  complete: boolean;
}

/** One message straight through the SDK, with the history a session of this length would send. */
async function directMessage(openai: OpenAIClient, turn: number): Promise<Sample> {
  const history = Array.from({ length: turn }, () => [
    { role: "user" as const, content: QUESTION },
    { role: "assistant" as const, content: REPLY },
  ]).flat();
  const started = performance.now();
  let first = 0;
  const stream = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: "system", content: "You answer questions about opening hours." },
      ...history,
      { role: "user", content: QUESTION },
    ],
  });
  for await (const chunk of stream) if (!first && chunk.choices[0]?.delta?.content) first = performance.now() - started;
  return { first, total: performance.now() - started, complete: true };
}

export function run(): Promise<void> {
  return runBenchmark("agents", async (results) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
    const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    const fake = await startFakeProcess();
    let db: Database | null = null;
    try {
      await postgres.ensureDatabase("bench");
      const url = postgres.url("bench");
      await migrate(url);
      db = createDatabase(url, { poolSize: 20 });
      const database = db;
      const openai = createOpenAIClient({ apiKey: "sk-bench", baseURL: fake.baseURL })!.withOptions({ maxRetries: 0 });
      const organization = await database.organization.create({ data: { name: "Bench Org", slug: "bench-org" } });
      const agent = await database.agent.create({ data: { organizationId: organization.id, name: "Bench agent" } });
      const version = await database.agentVersion.create({
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
      await database.agent.update({ where: { id: agent.id }, data: { publishedVersionId: version.id } });
      const log = pino({ level: "silent" });
      const visitor = async () =>
        createCaller(
          await createContext(
            { db: database, log, events: undefined as never, ai: { openai, sessionIdleMs: 600_000 } },
            { token: null, requestId: randomUUID(), client: { origin: "https://shop.bench", ip: "127.0.0.1" } },
          ),
        );
      const startSessions = () =>
        Promise.all(
          Array.from(
            { length: SESSIONS },
            async () => (await (await visitor()).agents.startSession({ agentId: agent.id })).sessionId,
          ),
        );
      const throughMessage = async (sessionId: string): Promise<Sample> => {
        const caller = await visitor();
        const started = performance.now();
        let first = 0;
        let complete = false;
        for await (const message of await caller.agents.sendMessage({ sessionId, content: QUESTION })) {
          if (!first && message.type === "chunk") first = performance.now() - started;
          if (message.type === "done") complete = message.status === "complete";
        }
        return { first, total: performance.now() - started, complete };
      };

      // Warm both paths (connections, JIT, the fake's keep-alive sockets).
      await Promise.all(Array.from({ length: 20 }, () => directMessage(openai, 0)));
      const warmSessions = (await startSessions()).slice(0, 20);
      await Promise.all(warmSessions.map(throughMessage));

      const conversations = async (maxThinkMs: number, message: (session: number, turn: number) => Promise<Sample>) => {
        const samples: Sample[] = [];
        await Promise.all(
          Array.from({ length: SESSIONS }, async (_, session) => {
            for (let turn = 0; turn < TURNS; turn++) {
              await sleep(thinkMs(maxThinkMs, session, turn));
              samples.push(await message(session, turn));
            }
          }),
        );
        return samples;
      };

      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 50);
      // Alternating rounds, so that load from elsewhere on the machine falls on both arms alike.
      const shape = async (maxThinkMs: number) => {
        const direct: Sample[] = [];
        const through: Sample[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          direct.push(...(await conversations(maxThinkMs, (_, turn) => directMessage(openai, turn))));
          const sessionIds = await startSessions();
          through.push(...(await conversations(maxThinkMs, (session) => throughMessage(sessionIds[session]!))));
        }
        return { direct, through };
      };
      const report = (direct: Sample[], through: Sample[]) => {
        const directFirst = percentiles(direct.map((r) => r.first));
        const directTotal = percentiles(direct.map((r) => r.total));
        const oursFirst = percentiles(through.map((r) => r.first));
        const oursTotal = percentiles(through.map((r) => r.total));
        return {
          messages: through.length,
          completeReplies: through.filter((r) => r.complete).length,
          baselineSdkDirect: { firstTokenMs: directFirst, totalMs: directTotal },
          throughSwitchboard: { firstTokenMs: oursFirst, totalMs: oursTotal },
          addedFirstTokenMs: {
            p50: round(oursFirst.p50 - directFirst.p50),
            p99: round(oursFirst.p99 - directFirst.p99),
          },
          addedPerMessageMs: {
            p50: round(oursTotal.p50 - directTotal.p50),
            p99: round(oursTotal.p99 - directTotal.p99),
          },
        };
      };
      results.set("sessions", SESSIONS);
      results.set("tokenSpacingMs", 20);
      try {
        const steady = await results.arm("steady", async () => {
          const { direct, through } = await shape(5000);
          return { turnsPerSession: TURNS, thinkTimeMs: [0, 5000], rounds: ROUNDS, ...report(direct, through) };
        });
        await results.arm("busy", async () => {
          const { direct, through } = await shape(1000);
          return { turnsPerSession: TURNS, thinkTimeMs: [0, 1000], rounds: ROUNDS, ...report(direct, through) };
        });
        await results.arm("burst", async () => {
          const burstDirect = await Promise.all(Array.from({ length: SESSIONS }, () => directMessage(openai, 0)));
          const burstSessions = await startSessions();
          return report(burstDirect, await Promise.all(burstSessions.map(throughMessage)));
        });
        const storedComplete = await database.agentMessage.count({ where: { role: "assistant", status: "complete" } });
        results.merge({
          storedCompleteReplies: { stored: storedComplete, expected: 20 + 2 * ROUNDS * SESSIONS * TURNS + SESSIONS },
          targetAddedFirstTokenP99Ms: 10,
          steadyPass: steady ? steady.addedFirstTokenMs.p99 < 10 : false,
        });
      } finally {
        clearInterval(sampler);
      }
      results.merge({
        rssDeltaDuringChatMb: round((rssPeak - rssBefore) / 1024 / 1024),
        note: "fake in its own process; server code, PostgreSQL and the fake share 2 cores",
      });
    } finally {
      await db?.$disconnect();
      fake.child.kill("SIGTERM");
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}

const round = (n: number) => Math.round(n * 10) / 10;
