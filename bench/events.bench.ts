// The event bus under load, each figure beside a baseline measured in the same run:
//   fan-out      1,000 WebSocket subscribers (clients in a separate process) on the real path —
//                EventBus.publish in a Prisma transaction → its COMMIT → wake-up → pump → tRPC
//                `requests.onBoard` over WebSocket — at 20/s, 100/s and unthrottled, beside a
//                bare `ws` broadcaster sending the same events to 1,000 clients;
//   writer cost  commits/s of 16 concurrent writers with the event in the transaction vs without,
//                and commit latency with the same transactions offered at a steady 1,000/s;
//   memory       server RSS per idle subscription at 5,000 subscriptions (bare `ws` beside it);
//   resume       a subscriber 10,000 events behind catching up from the outbox.
// Every process (server, baseline, clients) is separate, so CPU and RSS readings are each its own.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAppEventBus, hashSecretToken, newSecretToken } from "@switchboard/api";
import { createDatabase, type Database, hashPassword, migrate, startEmbeddedPostgres } from "@switchboard/db";
import type { Collected, ConnectArgs } from "./events-clients.ts";
import { HelperProcess, machineCpuMs, processTreeCpuMs, sleep } from "./events-control.ts";
import { BOARD_SCOPE, BOARD_TOPIC } from "./events-payload.ts";
import type { PublishArgs, PublishResult } from "./events-server.ts";
import { percentiles, writeResults } from "./measure.ts";

// BENCH_QUICK=1 shrinks everything, to check the benchmark itself works.
const quick = process.env.BENCH_QUICK === "1";
const FANOUT_SUBSCRIBERS = quick ? 50 : 1000;
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 1);
const RATES = [20, 100];
const RATE_SECONDS = quick ? 1 : 10;
const UNTHROTTLED_EVENTS = quick ? 100 : 500;
const IDLE_SUBSCRIBERS = quick ? 200 : 5000;
const RESUME_EVENTS = quick ? 1000 : 10_000;
const WRITERS = 16;
const WRITER_ROUND_MS = quick ? 500 : 2500;
const WRITER_ROUNDS = 6;
const SUSTAINED_RATE = 1000;
const SUSTAINED_ROUND_MS = quick ? 500 : 3000;
const SUSTAINED_ROUNDS = 3;

const here = path.dirname(fileURLToPath(import.meta.url));
const script = (name: string) => path.join(here, name);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

type Offset = { offsetMs: number; uncertaintyMs: number };
type ServerReady = { url: string };

let nextSeq = 1;
const helpers: HelperProcess[] = [];

/** BENCH_SERVER_FLAGS adds node flags to the server processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const serverFlags = process.env.BENCH_SERVER_FLAGS?.split(" ").filter(Boolean) ?? [];

function spawnHelper<T extends Record<string, unknown>>(name: string, file: string, env: Record<string, string> = {}) {
  const flags = ["--expose-gc", ...(name.endsWith("server") ? serverFlags : [])];
  const helper = new HelperProcess<T>(name, script(file), { env, nodeFlags: flags });
  helpers.push(helper as HelperProcess);
  return helper;
}

async function stopHelper(helper: HelperProcess, shutdown = false): Promise<void> {
  if (shutdown) await helper.request("shutdown").catch(() => {});
  await helper.stop();
}

// ─── CPU accounting ──────────────────────────────────────────────────────────
// Each figure says whose CPU it was, so load from other work on the machine shows up as
// `otherOnMachine` instead of silently skewing the comparison.

let postgresPid = 0;

interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  server: number;
  clients: number;
  postgres: number;
  bench: number;
}

function cpuSnapshot(server: HelperProcess | null, groups: ClientGroup[]): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineCpuMs(),
    server: server?.cpuMs() ?? 0,
    clients: groups.reduce((sum, g) => sum + g.helper.cpuMs(), 0),
    postgres: postgresPid ? processTreeCpuMs(postgresPid) : 0,
    bench: (usage.user + usage.system) / 1000,
  };
}

/** Cores used by each party over the interval (1.0 = one core fully busy). */
function coresUsed(before: CpuSnapshot, after: CpuSnapshot) {
  const ms = after.at - before.at;
  const cores = (a: number, b: number) => round((b - a) / ms, 2);
  const ours =
    after.server -
    before.server +
    after.clients -
    before.clients +
    after.postgres -
    before.postgres +
    after.bench -
    before.bench;
  return {
    server: cores(before.server, after.server),
    clients: cores(before.clients, after.clients),
    postgres: cores(before.postgres, after.postgres),
    benchProcess: cores(before.bench, after.bench),
    otherOnMachine: Math.max(0, round((after.machine.busy - before.machine.busy - ours) / ms, 2)),
    machineBusy: cores(before.machine.busy, after.machine.busy),
  };
}

/** The soft limit on open files, which every helper process inherits. */
function openFileLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s{2,}/)[1] ?? Number.POSITIVE_INFINITY);
}

// ─── accounts ────────────────────────────────────────────────────────────────

/** Mechanics with live sessions, created in bulk (createTestAccount hashes a password per account). */
async function createMechanics(db: Database, count: number): Promise<string[]> {
  const passwordHash = await hashPassword("bench-password");
  const expiresAt = new Date(Date.now() + 7 * 86_400_000);
  const tokens: string[] = [];
  for (let offset = 0; offset < count; offset += 1000) {
    const users = Array.from({ length: Math.min(1000, count - offset) }, (_, i) => ({
      id: randomUUID(),
      email: `mechanic-${offset + i}@bench.example`,
      name: `Mechanic ${offset + i}`,
      role: "mechanic" as const,
      passwordHash,
    }));
    const batch = users.map(() => newSecretToken());
    await db.user.createMany({ data: users });
    await db.mechanic.createMany({ data: users.map((u) => ({ userId: u.id, displayName: u.name })) });
    await db.authSession.createMany({
      data: users.map((u, i) => ({ userId: u.id, tokenHash: hashSecretToken(batch[i]!), expiresAt })),
    });
    tokens.push(...batch);
  }
  return tokens;
}

// ─── writer cost ─────────────────────────────────────────────────────────────

async function writerCost(db: Database, databaseUrl: string) {
  const customer = await db.user.create({
    data: { email: "writer@bench.example", name: "Bench Writer", passwordHash: "unused" },
  });
  const bus = createAppEventBus({ databaseUrl });
  await bus.start();
  const intake = {
    customerId: customer.id,
    vehicleMake: "Toyota",
    vehicleModel: "Corolla",
    vehicleYear: 2018,
    concern: "Grinding noise from the front brakes when slowing down, worse in the morning.",
    urgency: "normal" as const,
    sessionType: "chat" as const,
    plan: "standard" as const,
  };

  type Arm = "off" | "on" | "secondInsert";
  const write = (kind: Arm) =>
    db.$transaction(async (tx) => {
      const row = await tx.customerIntake.create({ data: intake });
      if (kind === "secondInsert") await tx.customerIntake.create({ data: intake });
      if (kind !== "on") return;
      await bus.publish(tx, BOARD_TOPIC, BOARD_SCOPE, {
        kind: "created",
        card: {
          requestId: row.id,
          createdAt: row.createdAt.toISOString(),
          customerName: customer.name,
          vehicle: { make: row.vehicleMake, model: row.vehicleModel, year: row.vehicleYear },
          concern: row.concern,
          urgency: row.urgency,
          sessionType: row.sessionType,
          plan: row.plan,
        },
      });
    });

  /** Closed loop: WRITERS writers, each starting its next transaction when the last commits. */
  async function arm(kind: Arm, durationMs: number) {
    const latencies: number[] = [];
    const statsBefore = { ...bus.stats };
    const cpuBefore = cpuSnapshot(null, []);
    const started = performance.now();
    const end = started + durationMs;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          await write(kind);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const cpuAfter = cpuSnapshot(null, []);
    return {
      commits: latencies.length,
      commitsPerSec: round((latencies.length * 1000) / elapsedMs),
      latencies,
      benchCpuMs: cpuAfter.bench - cpuBefore.bench,
      postgresCpuMs: cpuAfter.postgres - cpuBefore.postgres,
      cores: coresUsed(cpuBefore, cpuAfter),
      notifies: bus.stats.notifies - statsBefore.notifies,
      pumps: bus.stats.pumps - statsBefore.pumps,
    };
  }

  /**
   * Open loop: transactions started on a fixed schedule of SUSTAINED_RATE per second, whatever
   * is still in flight; latency runs from each one's scheduled start, so falling behind counts.
   */
  async function sustained(kind: Arm, durationMs: number) {
    const latencies: number[] = [];
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const at = started + (i * 1000) / SUSTAINED_RATE;
      if (at >= started + durationMs) break;
      if (at - performance.now() > 0.5) await sleep(at - performance.now());
      inFlight.push(write(kind).then(() => void latencies.push(performance.now() - at)));
    }
    await Promise.all(inFlight);
    return { commits: latencies.length, elapsedMs: performance.now() - started, latencies };
  }

  for (const kind of ["off", "on", "secondInsert"] as const) await arm(kind, 1000);
  // Alternating rounds, so that load from elsewhere on the machine falls on every arm alike.
  const rounds: Record<Arm, Awaited<ReturnType<typeof arm>>>[] = [];
  for (let i = 0; i < WRITER_ROUNDS; i++) {
    const off = await arm("off", WRITER_ROUND_MS);
    const on = await arm("on", WRITER_ROUND_MS);
    const secondInsert = await arm("secondInsert", WRITER_ROUND_MS);
    rounds.push({ off, on, secondInsert });
  }
  const sustainedRounds: Record<"off" | "on", Awaited<ReturnType<typeof sustained>>>[] = [];
  for (let i = 0; i < SUSTAINED_ROUNDS; i++) {
    const off = await sustained("off", SUSTAINED_ROUND_MS);
    const on = await sustained("on", SUSTAINED_ROUND_MS);
    sustainedRounds.push({ off, on });
  }
  await bus.stop();
  const sustainedTotal = (pick: "off" | "on") => ({
    committedPerSec: round(
      sustainedRounds.reduce((sum, r) => sum + r[pick].commits, 0) /
        (sustainedRounds.reduce((sum, r) => sum + r[pick].elapsedMs, 0) / 1000),
    ),
    commitLatencyMs: percentiles(sustainedRounds.flatMap((r) => r[pick].latencies)),
  });
  const sustainedOff = sustainedTotal("off");
  const sustainedOn = sustainedTotal("on");

  const total = (pick: Arm) => {
    const commits = rounds.reduce((sum, r) => sum + r[pick].commits, 0);
    const seconds = (rounds.length * WRITER_ROUND_MS) / 1000;
    const sum = (key: "benchCpuMs" | "postgresCpuMs") => rounds.reduce((total, r) => total + r[pick][key], 0);
    return {
      commitsPerSec: round(commits / seconds),
      commitLatencyMs: percentiles(rounds.flatMap((r) => r[pick].latencies)),
      perRoundCommitsPerSec: rounds.map((r) => r[pick].commitsPerSec),
      /** CPU per commit: the writers' process (Prisma, and the bus when on) and PostgreSQL. */
      cpuUsPerCommit: {
        writerProcess: round((sum("benchCpuMs") * 1000) / commits),
        postgres: round((sum("postgresCpuMs") * 1000) / commits),
      },
      otherLoadOnMachineCores: rounds.map((r) => r[pick].cores.otherOnMachine),
    };
  };
  const off = total("off");
  const on = total("on");
  const secondInsert = total("secondInsert");
  const onCommits = rounds.reduce((sum, r) => sum + r.on.commits, 0);
  const notifies = rounds.reduce((sum, r) => sum + r.on.notifies, 0);
  const pumps = rounds.reduce((sum, r) => sum + r.on.pumps, 0);
  const costPercent = round(((off.commitsPerSec - on.commitsPerSec) / off.commitsPerSec) * 100);
  const pairCosts = rounds.map((r) => round(((r.off.commitsPerSec - r.on.commitsPerSec) / r.off.commitsPerSec) * 100));
  const cpuPerCommit = (c: { writerProcess: number; postgres: number }) => c.writerProcess + c.postgres;
  return {
    writers: WRITERS,
    transaction: "INSERT customer_intakes row (+ EventBus.publish of its requests.board card when the bus is on)",
    durability: "embedded PostgreSQL in ephemeral mode (fsync=off, synchronous_commit=off): commits cost no disk flush",
    roundMs: WRITER_ROUND_MS,
    rounds: WRITER_ROUNDS,
    busOff: off,
    busOn: { ...on, commitsPerNotify: round(onCommits / Math.max(1, notifies)), pumps, notifies },
    /** Reference, not a target: the same transaction with a second plain INSERT instead of the event. */
    secondPlainInsertInsteadOfEvent: {
      ...secondInsert,
      costPercent: round(((off.commitsPerSec - secondInsert.commitsPerSec) / off.commitsPerSec) * 100),
    },
    costPercent,
    costPercentPerRoundPair: pairCosts,
    cpuPerCommitIncreasePercent: round((cpuPerCommit(on.cpuUsPerCommit) / cpuPerCommit(off.cpuUsPerCommit) - 1) * 100),
    /** The same transactions offered at a steady SUSTAINED_RATE per second (open loop). */
    sustained: {
      offeredPerSec: SUSTAINED_RATE,
      roundMs: SUSTAINED_ROUND_MS,
      rounds: SUSTAINED_ROUNDS,
      busOff: sustainedOff,
      busOn: sustainedOn,
    },
    targets: {
      costUnder20Percent: costPercent < 20,
      atLeast1000EventCommitsPerSec: on.commitsPerSec >= 1000 && sustainedOn.committedPerSec >= 0.99 * SUSTAINED_RATE,
      commitP99Under20Ms: sustainedOn.commitLatencyMs.p99 < 20,
    },
  };
}

// ─── clients ─────────────────────────────────────────────────────────────────

interface ClientGroup {
  helper: HelperProcess;
  subscribers: number;
  offset: Offset;
}

async function startClients(count: number): Promise<ClientGroup[]> {
  const groups = Array.from({ length: count }, (_, i) => ({
    helper: spawnHelper(`clients-${i}`, "events-clients.ts"),
    subscribers: 0,
    offset: { offsetMs: 0, uncertaintyMs: 0 },
  }));
  await Promise.all(groups.map((g) => g.helper.ready));
  for (const group of groups) group.offset = await group.helper.clockOffset();
  return groups;
}

async function connectClients(groups: ClientGroup[], args: Omit<ConnectArgs, "tokens" | "count">, tokens: string[]) {
  const per = Math.ceil(tokens.length / groups.length);
  const results = await Promise.all(
    groups.map((group, i) => {
      const mine = tokens.slice(i * per, (i + 1) * per);
      group.subscribers = mine.length;
      return group.helper.request<{ connected: number; ms: number }>(
        "connect",
        args.mode === "trpc" ? { ...args, tokens: mine } : { ...args, count: mine.length },
      );
    }),
  );
  return {
    connected: results.reduce((sum, r) => sum + r.connected, 0),
    ms: Math.round(Math.max(...results.map((r) => r.ms))),
  };
}

async function closeClients(groups: ClientGroup[]): Promise<void> {
  await Promise.all(groups.map((g) => g.helper.request("closeAll")));
  for (const group of groups) group.subscribers = 0;
}

// ─── fan-out ─────────────────────────────────────────────────────────────────

async function fanoutRun(
  server: HelperProcess,
  serverOffset: Offset,
  groups: ClientGroup[],
  options: { rate: number | null; count: number; concurrency?: number; timeoutMs: number },
) {
  const firstSeq = nextSeq;
  nextSeq += options.count;
  const subscribers = groups.reduce((sum, g) => sum + g.subscribers, 0);
  await Promise.all(groups.map((g) => g.helper.request("reset")));
  const cpuBefore = cpuSnapshot(server, groups);
  const published = await server.request<PublishResult>("publish", {
    firstSeq,
    count: options.count,
    rate: options.rate,
    concurrency: options.concurrency ?? 8,
  } satisfies PublishArgs);
  const publishedOk = options.count - published.failures;
  const waits = await Promise.all(
    groups.map((g) =>
      g.helper.request<{ delivered: number; timedOut: boolean }>("waitFor", {
        deliveries: g.subscribers * publishedOk,
        timeoutMs: options.timeoutMs,
      }),
    ),
  );
  const cpuAfter = cpuSnapshot(server, groups);
  const collected = await Promise.all(groups.map((g) => g.helper.request<Collected>("collect")));

  // Latency: receive time (client clock) minus commit time (server clock), both mapped onto ours.
  const latencies: number[] = [];
  const publishStart = published.startedAt - serverOffset.offsetMs;
  let lastReceived = publishStart;
  const unexpectedCloses: Record<string, number> = {};
  let serverErrors = 0;
  collected.forEach((c, k) => {
    const clientOffset = groups[k]!.offset.offsetMs;
    for (let j = 0; j < c.delivered; j++) {
      const i = c.seqs[j]! - firstSeq;
      if (i < 0 || i >= options.count) continue;
      const received = c.receivedAt[j]! - clientOffset;
      latencies.push(received - (published.commitTimes[i]! - serverOffset.offsetMs));
      if (received > lastReceived) lastReceived = received;
    }
    for (const [code, n] of Object.entries(c.unexpectedCloses))
      unexpectedCloses[code] = (unexpectedCloses[code] ?? 0) + n;
    serverErrors += c.serverErrors;
  });
  const windowMs = lastReceived - publishStart;
  // How late transactions committed against their schedule (the publisher shares the server's event loop).
  const commitLag: number[] = [];
  if (options.rate) {
    for (let i = 0; i < options.count; i++) {
      const commit = published.commitTimes[i]!;
      if (!Number.isNaN(commit)) commitLag.push(commit - (published.startedAt + (i * 1000) / options.rate));
    }
  }
  return {
    rate: options.rate ?? "unthrottled",
    events: options.count,
    publishFailures: published.failures,
    firstPublishFailure: published.firstFailure,
    subscribers,
    expectedDeliveries: subscribers * publishedOk,
    delivered: latencies.length,
    timedOut: waits.some((w) => w.timedOut),
    deliveredPerSec: Math.round((latencies.length * 1000) / windowMs),
    publishedPerSec: round((options.count * 1000) / (published.finishedAt - published.startedAt)),
    windowMs: Math.round(windowMs),
    latencyMs: percentiles(latencies),
    ...(options.rate ? { commitLagBehindScheduleMs: percentiles(commitLag) } : {}),
    serverCpuUsPerDelivery: round(((cpuAfter.server - cpuBefore.server) * 1000) / Math.max(1, latencies.length), 2),
    cores: coresUsed(cpuBefore, cpuAfter),
    unexpectedCloses,
    serverErrors,
  };
}

type FanoutRun = Awaited<ReturnType<typeof fanoutRun>>;

async function fanoutSuite(
  server: HelperProcess<ServerReady>,
  groups: ClientGroup[],
  mode: "trpc" | "raw",
  tokens: string[],
) {
  const { url } = await server.ready;
  const serverOffset = await server.clockOffset();
  const connect = await connectClients(groups, { url, mode }, tokens);
  const stats = await server.request<{ subscribers: number }>("stats");
  await fanoutRun(server, serverOffset, groups, { rate: 50, count: 50, timeoutMs: 20_000 }); // warm-up
  const runs: FanoutRun[] = [];
  for (const rate of RATES) {
    runs.push(
      await fanoutRun(server, serverOffset, groups, {
        rate,
        count: rate * RATE_SECONDS,
        timeoutMs: RATE_SECONDS * 1000 + 30_000,
      }),
    );
    console.log(`  ${mode} ${rate}/s: p99 ${runs.at(-1)!.latencyMs.p99} ms`);
  }
  const unthrottled = await fanoutRun(server, serverOffset, groups, {
    rate: null,
    count: UNTHROTTLED_EVENTS,
    concurrency: 8,
    timeoutMs: 120_000,
  });
  console.log(`  ${mode} unthrottled: ${unthrottled.deliveredPerSec} deliveries/s`);
  await closeClients(groups);
  return {
    subscribers: connect.connected,
    subscribersSeenByServer: stats.subscribers,
    connectMs: connect.ms,
    clockOffsetsMs: {
      server: round(serverOffset.offsetMs, 3),
      clients: groups.map((g) => round(g.offset.offsetMs, 3)),
      maxUncertainty: round(Math.max(serverOffset.uncertaintyMs, ...groups.map((g) => g.offset.uncertaintyMs)), 3),
    },
    runs,
    unthrottled,
  };
}

// ─── idle memory ─────────────────────────────────────────────────────────────

async function idleMemory(
  server: HelperProcess<ServerReady>,
  groups: ClientGroup[],
  mode: "trpc" | "raw",
  tokens: string[],
) {
  const { url } = await server.ready;
  // Warm the code paths (and their lazily built structures) so the delta is per connection.
  await connectClients(groups, { url, mode }, tokens.slice(0, 100));
  await closeClients(groups);
  await sleep(500);
  const before = await server.request<NodeJS.MemoryUsage>("memory");
  const vmRssBefore = server.rssKiB();
  const connect = await connectClients(groups, { url, mode }, tokens);
  await sleep(2000);
  const after = await server.request<NodeJS.MemoryUsage>("memory");
  const vmRssAfter = server.rssKiB();
  const stats = await server.request<{ subscribers: number }>("stats");
  await closeClients(groups);
  const n = connect.connected;
  return {
    connections: n,
    subscribersSeenByServer: stats.subscribers,
    connectMs: connect.ms,
    rssBeforeMiB: round(before.rss / 1048576),
    rssAfterMiB: round(after.rss / 1048576),
    rssPerConnectionKiB: round((after.rss - before.rss) / 1024 / n, 2),
    vmRssPerConnectionKiB: round((vmRssAfter - vmRssBefore) / n, 2),
    heapUsedPerConnectionKiB: round((after.heapUsed - before.heapUsed) / 1024 / n, 2),
    externalPerConnectionKiB: round((after.external - before.external) / 1024 / n, 2),
  };
}

// ─── resume ──────────────────────────────────────────────────────────────────

async function resume(server: HelperProcess<ServerReady>, client: ClientGroup, token: string) {
  const { url } = await server.ready;
  const marker = await server.request<PublishResult>("publish", { firstSeq: nextSeq++, count: 1, rate: null });
  const firstSeq = nextSeq;
  nextSeq += RESUME_EVENTS;
  const backlog = await server.request<PublishResult>("publish", {
    firstSeq,
    count: RESUME_EVENTS,
    rate: null,
    concurrency: 8,
  } satisfies PublishArgs);
  while (!(await server.request<boolean>("isDelivered", backlog.lastEventId))) await sleep(10);

  await client.helper.request("reset");
  const connected = await client.helper.request<{ startedAt: number }>("connect", {
    url,
    mode: "trpc",
    tokens: [token],
    lastEventId: marker.lastEventId,
  } satisfies ConnectArgs);
  const wait = await client.helper.request<{ timedOut: boolean }>("waitFor", {
    deliveries: RESUME_EVENTS,
    timeoutMs: 60_000,
  });
  const c = await client.helper.request<Collected>("collect");
  await client.helper.request("closeAll");
  const seen = new Set<number>();
  for (let j = 0; j < c.delivered; j++) seen.add(c.seqs[j]!);
  let missing = 0;
  for (let s = firstSeq; s < firstSeq + RESUME_EVENTS; s++) if (!seen.has(s)) missing++;
  const last = c.receivedAt.reduce((max, t) => Math.max(max, t), connected.startedAt);
  const catchUpMs = last - connected.startedAt;
  return {
    eventsBehind: RESUME_EVENTS,
    backlogPublishedPerSec: round((RESUME_EVENTS * 1000) / (backlog.finishedAt - backlog.startedAt)),
    received: c.delivered,
    missing,
    duplicates: c.delivered - seen.size,
    timedOut: wait.timedOut,
    unexpectedCloses: c.unexpectedCloses,
    catchUpMs: Math.round(catchUpMs),
    firstEventMs: c.delivered ? round(c.receivedAt[0]! - connected.startedAt) : null,
    eventsPerSec: Math.round((c.delivered * 1000) / catchUpMs),
  };
}

// ─── run ─────────────────────────────────────────────────────────────────────

export async function run(): Promise<void> {
  // The clients' process holds one socket per subscriber, and so does the server (plus its
  // database pool and modules): keep the largest test inside the inherited fd limit.
  const fdLimit = openFileLimit();
  if (fdLimit < IDLE_SUBSCRIBERS + 500) {
    throw new Error(
      `open file limit ${fdLimit} is too low for ${IDLE_SUBSCRIBERS} sockets per process; raise it (ulimit -n ${IDLE_SUBSCRIBERS * 2}) and rerun`,
    );
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-events-"));
  const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  let db: Database | null = null;
  try {
    postgresPid = Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    const loadBefore = os.loadavg();
    await postgres.ensureDatabase("bench_events");
    const databaseUrl = postgres.url("bench_events");
    await migrate(databaseUrl);
    db = createDatabase(databaseUrl, { poolSize: WRITERS + 4 });
    const tokens = await createMechanics(db, IDLE_SUBSCRIBERS);

    console.log("writer cost…");
    const writer = await writerCost(db, databaseUrl);

    const env = { BENCH_DATABASE_URL: databaseUrl };
    const groups = await startClients(CLIENT_PROCESSES);

    console.log("idle memory…");
    const busServer = spawnHelper<ServerReady>("bus-server", "events-server.ts", env);
    const rawServer = spawnHelper<ServerReady>("raw-server", "events-raw-server.ts");
    const busMemory = await idleMemory(busServer, groups, "trpc", tokens);
    const rawMemory = await idleMemory(rawServer, groups, "raw", tokens);

    console.log("fan-out…");
    const fanoutTokens = tokens.slice(0, FANOUT_SUBSCRIBERS);
    const bus = await fanoutSuite(busServer, groups, "trpc", fanoutTokens);
    const raw = await fanoutSuite(rawServer, groups, "raw", fanoutTokens);

    console.log("resume…");
    const resumed = await resume(busServer, groups[0]!, tokens[0]!);
    const busStats = await busServer.request<Record<string, number>>("stats");
    await stopHelper(busServer, true);
    await stopHelper(rawServer, true);
    for (const group of groups) await stopHelper(group.helper);

    const comparisons = RATES.map((rate, i) => {
      const b = bus.runs[i]!;
      const r = raw.runs[i]!;
      return {
        rate,
        busP99Ms: b.latencyMs.p99,
        rawP99Ms: r.latencyMs.p99,
        p99Ratio: round(b.latencyMs.p99 / r.latencyMs.p99, 2),
        p99WithinOneAndAHalfTimesRaw: b.latencyMs.p99 <= 1.5 * r.latencyMs.p99,
      };
    });
    const throughputRatio = round(bus.unthrottled.deliveredPerSec / raw.unthrottled.deliveredPerSec, 2);

    const pass = (ok: boolean) => (ok ? "pass" : "FAIL");
    writeResults("events", {
      summary: {
        fanoutP99Ms: Object.fromEntries(
          comparisons.map((c) => [`${c.rate}/s`, { bus: c.busP99Ms, raw: c.rawP99Ms, ratio: c.p99Ratio }]),
        ),
        fanoutP99WithinOneAndAHalfTimesRaw: pass(comparisons.every((c) => c.p99WithinOneAndAHalfTimesRaw)),
        unthrottledDeliveriesPerSec: {
          bus: bus.unthrottled.deliveredPerSec,
          raw: raw.unthrottled.deliveredPerSec,
          ratio: throughputRatio,
        },
        unthrottledThroughputAtLeastHalfOfRaw: pass(throughputRatio >= 0.5),
        serverCpuUsPerDelivery: {
          bus: bus.unthrottled.serverCpuUsPerDelivery,
          raw: raw.unthrottled.serverCpuUsPerDelivery,
        },
        writerCommitsPerSec: { busOff: writer.busOff.commitsPerSec, busOn: writer.busOn.commitsPerSec },
        writerCostPercent: writer.costPercent,
        writerCostUnder20Percent: pass(writer.targets.costUnder20Percent),
        writerAtLeast1000EventCommitsPerSec: pass(writer.targets.atLeast1000EventCommitsPerSec),
        writerCommitP99Ms: { busOff: writer.busOff.commitLatencyMs.p99, busOn: writer.busOn.commitLatencyMs.p99 },
        writerAt1000PerSec: {
          committedPerSec: {
            busOff: writer.sustained.busOff.committedPerSec,
            busOn: writer.sustained.busOn.committedPerSec,
          },
          commitP99Ms: {
            busOff: writer.sustained.busOff.commitLatencyMs.p99,
            busOn: writer.sustained.busOn.commitLatencyMs.p99,
          },
        },
        writerCommitP99Under20Ms: pass(writer.targets.commitP99Under20Ms),
        idleSubscriberKiB: { bus: busMemory.rssPerConnectionKiB, raw: rawMemory.rssPerConnectionKiB },
        idleSubscriberUnder30KiB: pass(busMemory.rssPerConnectionKiB < 30),
        resume10kEventsMs: resumed.catchUpMs,
        resumeLostOrDuplicated: resumed.missing + resumed.duplicates,
      },
      setup: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        clientProcesses: CLIENT_PROCESSES,
        openFileLimit: fdLimit,
        loadAverageBeforeAndAfter: [loadBefore, os.loadavg()].map((l) => l.map((v) => round(v, 2))),
        note: "each run's `cores.otherOnMachine` is CPU used during it by processes outside this benchmark",
        publishPath:
          "EventBus.publish inside db.$transaction in the server process → outbox row sent with its COMMIT → wake-up → pump → tRPC requests.onBoard over WebSocket",
      },
      fanout: {
        bus,
        raw,
        comparisons,
        unthrottledThroughputRatio: throughputRatio,
        targets: {
          p99WithinOneAndAHalfTimesRawAtEveryRate: comparisons.every((c) => c.p99WithinOneAndAHalfTimesRaw),
          unthrottledThroughputAtLeastHalfOfRaw: throughputRatio >= 0.5,
        },
        busStatsAtEnd: busStats,
      },
      writerCost: writer,
      idleMemory: {
        bus: busMemory,
        raw: rawMemory,
        targets: { under30KiBPerIdleSubscriber: busMemory.rssPerConnectionKiB < 30 },
      },
      resume: resumed,
    });
  } finally {
    await Promise.all(helpers.map((h) => h.stop().catch(() => {})));
    await db?.$disconnect();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
