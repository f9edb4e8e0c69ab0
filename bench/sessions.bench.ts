// Service sessions: 200 concurrent sessions (400 participants, customer and mechanic, in a
// separate process), each side sending one chat message per second. Figures:
//   chat.trpc   send-to-other-side latency through the real path: sessions.send over the
//               participant's WebSocket → outbox row in the send's transaction → NOTIFY →
//               sessions.onEvents on the other participant's socket (the real server process);
//   chat.raw    the same messages through a bare `ws` relay in the same run (the baseline);
//               target: trpc p99 ≤ 1.5 × raw p99;
//   typing      rows written per burst of typing signals (target 0), counted over every table,
//               with the burst crossing two bus instances (sender on one, subscriber on the other).
// Sessions are seeded in SQL (accepted and joined), as the other benches create their users.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AppEventBus,
  appRouter,
  createAppEventBus,
  createCaller,
  createContext,
  hashSecretToken,
} from "@switchboard/api";
import { createDatabase, type Database, migrate, startEmbeddedPostgres } from "@switchboard/db";
import pino from "pino";
import { z } from "../packages/api/src/validation-messages.ts";
import { EventBus } from "../packages/events/src/event-bus.ts";
import { HelperProcess, sleep } from "./events-control.ts";
import { percentiles, runBenchmark } from "./measure.ts";
import type { Participant } from "./sessions-clients.ts";

const SESSIONS = 200;
const CHAT_SECONDS = Number(process.env.BENCH_SESSIONS_SECONDS ?? 20);
const TYPING_BURSTS = 20;
const SIGNALS_PER_BURST = 20;

const here = path.dirname(fileURLToPath(import.meta.url));
const helpers: HelperProcess[] = [];
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function spawnHelper(name: string, file: string, env: Record<string, string> = {}) {
  const helper = new HelperProcess<{ url?: string }>(name, path.join(here, file), { env });
  helpers.push(helper as HelperProcess);
  return helper;
}

/** Customers and mechanics with sessions tokens, each pair with an active chat session. */
async function seedSessions(db: Database): Promise<Participant[]> {
  const tokens = (count: number) => Array.from({ length: count }, () => randomBytes(24).toString("base64url"));
  const customerTokens = tokens(SESSIONS);
  const mechanicTokens = tokens(SESSIONS);
  const users = async (prefix: string, role: "customer" | "mechanic", sessionTokens: string[]) => {
    const ids = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO users (email, password_hash, name, role, updated_at)
      SELECT ${prefix} || n || '@bench.dev', 'x', ${prefix} || ' ' || n, ${role}::"UserRole", now()
        FROM generate_series(1, ${SESSIONS}) AS n ORDER BY n
      RETURNING id::text`;
    await db.$executeRaw`
      INSERT INTO auth_sessions (user_id, token_hash, expires_at)
      SELECT u::uuid, h, now() + interval '1 day'
        FROM unnest(${ids.map((r) => r.id)}::text[], ${sessionTokens.map(hashSecretToken)}::text[]) AS t(u, h)`;
    return ids.map((r) => r.id);
  };
  const customers = await users("session-customer-", "customer", customerTokens);
  const mechanicUsers = await users("session-mechanic-", "mechanic", mechanicTokens);
  const mechanics = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO mechanics (user_id, display_name, updated_at)
    SELECT u::uuid, 'Mechanic ' || i, now() FROM unnest(${mechanicUsers}::text[]) WITH ORDINALITY AS t(u, i) ORDER BY i
    RETURNING id::text`;
  const participants: Participant[] = [];
  for (let pair = 0; pair < SESSIONS; pair++) {
    const [session] = await db.$queryRawUnsafe<{ id: string }[]>(
      `WITH intake AS (
         INSERT INTO customer_intakes (customer_id, vehicle_make, vehicle_model, vehicle_year, concern, urgency, session_type, plan)
         VALUES ($1::uuid, 'Ford', 'Focus', 2018, 'Stalls at idle', 'normal', 'chat', 'basic') RETURNING id, customer_id
       ), session AS (
         INSERT INTO service_sessions (customer_id, intake_id, mechanic_id, type, status, started_at)
         SELECT customer_id, id, $2::uuid, 'chat', 'active', now() FROM intake RETURNING id, customer_id
       ), request AS (
         INSERT INTO session_requests (session_id, customer_id, status, updated_at)
         SELECT id, customer_id, 'accepted', now() FROM session
       )
       SELECT id::text FROM session`,
      customers[pair],
      mechanics[pair]!.id,
    );
    participants.push(
      { pair, side: "customer", sessionId: session!.id, token: customerTokens[pair]! },
      { pair, side: "mechanic", sessionId: session!.id, token: mechanicTokens[pair]! },
    );
  }
  return participants;
}

interface Chat {
  sent: number;
  delivered: number;
  sendFailures: number;
  firstFailure: string | null;
  unexpectedCloses: number;
  latencies: number[];
}

async function chatArm(server: HelperProcess<{ url?: string }>, mode: "trpc" | "raw", participants: Participant[]) {
  const clients = spawnHelper(`clients-${mode}`, "sessions-clients.ts");
  try {
    const { url } = await server.ready;
    await clients.ready;
    const connected = await clients.request<{ connected: number; ms: number }>("connect", { url, mode, participants });
    await sleep(500);
    const chat = await clients.request<Chat>("chat", { seconds: CHAT_SECONDS });
    await clients.request("closeAll");
    const { latencies, ...counts } = chat;
    return {
      participants: connected.connected,
      connectMs: Math.round(connected.ms),
      ...counts,
      latencyMs: percentiles(latencies),
    };
  } finally {
    await clients.stop();
  }
}

/** Rows in every table of the schema (so a row written anywhere by a signal shows). */
async function rowsInEveryTable(db: Database): Promise<number> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`;
  const [row] = await db.$queryRawUnsafe<{ total: bigint }[]>(
    `SELECT (${tables.map((t) => `(SELECT count(*) FROM ${t.name})`).join(" + ")})::bigint AS total`,
  );
  return Number(row!.total);
}

interface SignalBus {
  start(): Promise<void>;
  stop(): Promise<void>;
  signals(topic: never, scope: string, options: { signal: AbortSignal }): AsyncIterable<unknown>;
  sendSignal(topic: never, scope: string, payload: never): Promise<void>;
}

/**
 * Bursts of typing signals. Through sessions.signal when the router has it (the real procedure,
 * as the customer); otherwise straight through EventBus.sendSignal, the path that procedure
 * takes. Either way the signals go out on one bus instance and are received on a second one.
 */
async function typingArm(db: Database, databaseUrl: string, participant: Participant) {
  const procedures = Object.keys(appRouter._def.procedures);
  const viaApi = procedures.includes("sessions.signal");
  const signalTopics = { "bench.typing": z.object({ kind: z.literal("typing") }) };
  // The two kinds of bus differ only in their registries; this arm needs what they share.
  const makeBus = () =>
    (viaApi
      ? createAppEventBus({ databaseUrl })
      : new EventBus({ databaseUrl, topics: {}, signalTopics })) as unknown as SignalBus;
  const sender = makeBus();
  const receiver = makeBus();
  await sender.start();
  await receiver.start();
  const topic = (viaApi ? "sessions.signals" : "bench.typing") as never;
  const controller = new AbortController();
  let heard = 0;
  const listening = (async () => {
    for await (const _ of receiver.signals(topic, participant.sessionId!, { signal: controller.signal })) heard++;
  })();
  try {
    const caller = viaApi
      ? createCaller(
          await createContext(
            { db, events: sender as unknown as AppEventBus, log: pino({ level: "silent" }) },
            { token: participant.token!, requestId: "bench-typing" },
          ),
        )
      : null;
    const rowsPerBurst: number[] = [];
    let sentSignals = 0;
    let refused = 0;
    for (let burst = 0; burst < TYPING_BURSTS; burst++) {
      const before = await rowsInEveryTable(db);
      for (let i = 0; i < SIGNALS_PER_BURST; i++) {
        try {
          if (caller) {
            await (caller as unknown as { sessions: { signal(input: unknown): Promise<unknown> } }).sessions.signal({
              sessionId: participant.sessionId,
              signal: { kind: "typing" },
            });
          } else {
            await sender.sendSignal(topic, participant.sessionId!, { kind: "typing" } as never);
          }
          sentSignals++;
        } catch {
          refused++; // the per-connection allowance (burst 40) may refuse some: counted, not rows
        }
      }
      await sleep(100);
      rowsPerBurst.push((await rowsInEveryTable(db)) - before);
      // Let the allowance refill between bursts, as between a person's bursts of typing.
      await sleep(1000);
    }
    const deadline = Date.now() + 3000;
    while (heard < sentSignals && Date.now() < deadline) await sleep(20);
    return {
      path: viaApi
        ? "sessions.signal (real procedure), two bus instances"
        : "EventBus.sendSignal, two bus instances (no sessions.signal on this branch)",
      bursts: TYPING_BURSTS,
      signalsPerBurst: SIGNALS_PER_BURST,
      sent: sentSignals,
      refusedByAllowance: refused,
      receivedOnOtherInstance: heard,
      rowsPerBurst: round(rowsPerBurst.reduce((a, b) => a + b, 0) / rowsPerBurst.length),
      maxRowsInABurst: Math.max(...rowsPerBurst),
      target: 0,
    };
  } finally {
    controller.abort();
    await listening;
    await sender.stop();
    await receiver.stop();
  }
}

export async function run(): Promise<void> {
  await runBenchmark("sessions", async (results) => {
    results.set("settings", {
      sessions: SESSIONS,
      participants: SESSIONS * 2,
      messagesPerSidePerSecond: 1,
      chatSeconds: CHAT_SECONDS,
    });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-sessions-"));
    const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    let db: Database | null = null;
    try {
      await postgres.ensureDatabase("bench_sessions");
      const databaseUrl = postgres.url("bench_sessions");
      await migrate(databaseUrl);
      db = createDatabase(databaseUrl);
      const participants = await seedSessions(db);

      console.log("raw ws relay…");
      const relay = spawnHelper("raw-relay", "sessions-raw-relay.ts");
      const raw = await results.arm("chat.raw", () => chatArm(relay, "raw", participants));
      await relay.request("shutdown").catch(() => {});
      await relay.stop();

      console.log("tRPC path (sessions.send → sessions.onEvents)…");
      const trpc = await results.arm("chat.trpc", async () => {
        if (!Object.keys(appRouter._def.procedures).includes("sessions.send")) {
          throw new Error("the sessions API (sessions.send, sessions.onEvents) is not on this branch");
        }
        const server = spawnHelper("server", "events-server.ts", { BENCH_DATABASE_URL: databaseUrl });
        try {
          return await chatArm(server, "trpc", participants);
        } finally {
          await server.request("shutdown").catch(() => {});
          await server.stop();
        }
      });
      if (raw && trpc) {
        const ratio = trpc.latencyMs.p99 / raw.latencyMs.p99;
        results.set("p99RatioTrpcToRaw", { ratio: round(ratio), target: 1.5, met: ratio <= 1.5 });
      }

      console.log("typing bursts…");
      await results.arm("typing", () => typingArm(db!, databaseUrl, participants[0]!));
    } finally {
      for (const helper of helpers) await helper.stop().catch(() => {});
      await db?.$disconnect();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}
