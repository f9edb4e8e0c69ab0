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
import { type OpenLoopRun, openLoop, percentiles, writeResults } from "./measure.ts";

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
          unattended: false,
        },
      });
    });

  /** Closed loop: WRITERS writers, each starting its next transaction when the last commits. */
  async function arm(kind: Arm, durationMs: number) {
    const latencies: number[] = [];
    let failures = 0;
    let firstFailure: string | null = null;
    const statsBefore = { ...bus.stats };
    const cpuBefore = cpuSnapshot(null, []);
    const started = performance.now();
    const end = started + durationMs;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await write(kind);
            latencies.push(performance.now() - t0);
          } catch (error) {
            // Counted, not fatal: the round goes on and reports what it committed.
            failures++;
            firstFailure ??= error instanceof Error ? error.message.split("\n")[0]! : String(error);
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const cpuAfter = cpuSnapshot(null, []);
    return {
      commits: latencies.length,
      commitsPerSec: round((latencies.length * 1000) / elapsedMs),
      latencies,
      failures,
      firstFailure,
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
   * A transaction that cannot start in Prisma's maxWait (P2028) is counted as a timeout, any
   * other error as a failure: the arm reports the rate it achieved instead of aborting the run.
   */
  const isTimeout = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2028";
  const sustained = (kind: Arm, durationMs: number) =>
    openLoop({ ratePerSec: SUSTAINED_RATE, durationMs, isTimeout }, () => write(kind));

  for (const kind of ["off", "on", "secondInsert"] as const) await arm(kind, 1000);
  // Alternating rounds, so that load from elsewhere on the machine falls on every arm alike.
  const rounds: Record<Arm, Awaited<ReturnType<typeof arm>>>[] = [];
  for (let i = 0; i < WRITER_ROUNDS; i++) {
    const off = await arm("off", WRITER_ROUND_MS);
    const on = await arm("on", WRITER_ROUND_MS);
    const secondInsert = await arm("secondInsert", WRITER_ROUND_MS);
    rounds.push({ off, on, secondInsert });
  }
  const sustainedRounds: Record<"off" | "on", OpenLoopRun>[] = [];
  for (let i = 0; i < SUSTAINED_ROUNDS; i++) {
    const off = await sustained("off", SUSTAINED_ROUND_MS);
    const on = await sustained("on", SUSTAINED_ROUND_MS);
    sustainedRounds.push({ off, on });
  }
  await bus.stop();
  const sustainedTotal = (pick: "off" | "on") => {
    const runs = sustainedRounds.map((r) => r[pick]);
    const sum = (of: (run: OpenLoopRun) => number) => runs.reduce((total, run) => total + of(run), 0);
    return {
      targetPerSec: SUSTAINED_RATE,
      committedPerSec: round(sum((r) => r.completed) / (sum((r) => r.elapsedMs) / 1000)),
      perRoundAchievedPerSec: runs.map((r) => r.achievedPerSec),
      offered: sum((r) => r.offered),
      committed: sum((r) => r.completed),
      timeouts: sum((r) => r.timeouts),
      failures: sum((r) => r.failures),
      firstErrors: [...new Set(runs.flatMap((r) => r.firstErrors))].slice(0, 3),
      commitLatencyMs: percentiles(runs.flatMap((r) => r.latenciesMs)),
    };
  };
  const sustainedOff = sustainedTotal("off");
  const sustainedOn = sustainedTotal("on");

  const total = (pick: Arm) => {
    const commits = rounds.reduce((sum, r) => sum + r[pick].commits, 0);
    const seconds = (rounds.length * WRITER_ROUND_MS) / 1000;
    const sum = (key: "benchCpuMs" | "postgresCpuMs") => rounds.reduce((total, r) => total + r[pick][key], 0);
    return {
      commitsPerSec: round(commits / seconds),
      commitLatencyMs: percentiles(rounds.flatMap((r) => r[pick].latencies)),
      failures: rounds.reduce((total, r) => total + r[pick].failures, 0),
      firstFailure: rounds.find((r) => r[pick].firstFailure)?.[pick].firstFailure ?? null,
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
      atLeast1000EventCommitsPerSec:
        on.commitsPerSec >= 1000 &&
        sustainedOn.committedPerSec >= 0.99 * SUSTAINED_RATE &&
        sustainedOn.timeouts + sustainedOn.failures === 0,
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

  // Latency: receive time (client clock) minus the event's scheduled time (server clock), both
  // mapped onto ours: open loop, event i is due at start + i/rate, so a publisher that falls
  // behind its schedule shows up as latency, in every arm alike. Unthrottled runs have no
  // schedule: their latency runs from the commit (or, in the raw arm, the broadcast).
  const latencies: number[] = [];
  const fromCommit: number[] = [];
  const publishStart = published.startedAt - serverOffset.offsetMs;
  const rate = options.rate;
  const dueAt = (i: number) =>
    (rate ? published.startedAt + (i * 1000) / rate : published.commitTimes[i]!) - serverOffset.offsetMs;
  let lastReceived = publishStart;
  const unexpectedCloses: Record<string, number> = {};
  let serverErrors = 0;
  collected.forEach((c, k) => {
    const clientOffset = groups[k]!.offset.offsetMs;
    for (let j = 0; j < c.delivered; j++) {
      const i = c.seqs[j]! - firstSeq;
      if (i < 0 || i >= options.count) continue;
      const received = c.receivedAt[j]! - clientOffset;
      latencies.push(received - dueAt(i));
      fromCommit.push(received - (published.commitTimes[i]! - serverOffset.offsetMs));
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
    targetPerSec: options.rate ?? "unthrottled",
    /** Events committed (raw: broadcast) per second, from the first scheduled start to the last commit. */
    achievedPerSec: round((publishedOk * 1000) / (published.finishedAt - published.startedAt)),
    windowMs: Math.round(windowMs),
    latencyFrom: rate ? "scheduled time" : "commit",
    latencyMs: percentiles(latencies),
    latencyFromCommitMs: percentiles(fromCommit),
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
  label: string,
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
    const last = runs.at(-1)!;
    console.log(`  ${label} ${rate}/s: p99 ${last.latencyMs.p99} ms from schedule, achieved ${last.achievedPerSec}/s`);
  }
  const unthrottled = await fanoutRun(server, serverOffset, groups, {
    rate: null,
    count: UNTHROTTLED_EVENTS,
    concurrency: 8,
    timeoutMs: 120_000,
  });
  console.log(`  ${label} unthrottled: ${unthrottled.deliveredPerSec} deliveries/s`);
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

type Fanout = Awaited<ReturnType<typeof fanoutSuite>>;

const errorMessage = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0]! : String(error));

/** Each rate's p99 (from the schedule) beside the raw broadcast's, for one bus arm. */
function compareWithRaw(bus: Fanout | null, raw: Fanout | null) {
  if (!bus || !raw) return null;
  return RATES.map((rate, i) => {
    const b = bus.runs[i]!;
    const r = raw.runs[i]!;
    return {
      rate,
      busP99Ms: b.latencyMs.p99,
      rawP99Ms: r.latencyMs.p99,
      p99Ratio: round(b.latencyMs.p99 / r.latencyMs.p99, 2),
      p99WithinOneAndAHalfTimesRaw: b.latencyMs.p99 <= 1.5 * r.latencyMs.p99,
      achievedPerSec: { bus: b.achievedPerSec, raw: r.achievedPerSec },
    };
  });
}

const throughputRatio = (bus: Fanout | null, raw: Fanout | null) =>
  bus && raw ? round(bus.unthrottled.deliveredPerSec / raw.unthrottled.deliveredPerSec, 2) : null;

export async function run(): Promise<void> {
  // A part that fails is recorded with its message and the rest still runs: the run always
  // ends by writing bench/results/events.json.
  const failures: Record<string, string> = {};
  async function section<T>(name: string, body: () => Promise<T>): Promise<T | null> {
    try {
      return await body();
    } catch (error) {
      failures[name] = errorMessage(error);
      console.log(`  ${name} FAILED: ${failures[name]}`);
      return null;
    }
  }
  const fdLimit = openFileLimit();
  const loadBefore = os.loadavg();
  let writer: Awaited<ReturnType<typeof writerCost>> | null = null;
  let busMemory: Awaited<ReturnType<typeof idleMemory>> | null = null;
  let rawMemory: Awaited<ReturnType<typeof idleMemory>> | null = null;
  let busDirect: Fanout | null = null;
  let busViaTrpc: Fanout | null = null;
  let raw: Fanout | null = null;
  let resumed: Awaited<ReturnType<typeof resume>> | null = null;
  let busStats: Record<string, number> | null = null;
  let dataDir: string | null = null;
  let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let db: Database | null = null;
  try {
    // The clients' process holds one socket per subscriber, and so does the server (plus its
    // database pool and modules): keep the largest test inside the inherited fd limit.
    if (fdLimit < IDLE_SUBSCRIBERS + 500) {
      throw new Error(
        `open file limit ${fdLimit} is too low for ${IDLE_SUBSCRIBERS} sockets per process; raise it (ulimit -n ${IDLE_SUBSCRIBERS * 2}) and rerun`,
      );
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-events-"));
    postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    postgresPid = Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    await postgres.ensureDatabase("bench_events");
    const databaseUrl = postgres.url("bench_events");
    await migrate(databaseUrl);
    const database = createDatabase(databaseUrl, { poolSize: WRITERS + 4 });
    db = database;
    const tokens = await createMechanics(database, IDLE_SUBSCRIBERS);

    console.log("writer cost…");
    writer = await section("writerCost", () => writerCost(database, databaseUrl));

    const env = { BENCH_DATABASE_URL: databaseUrl };
    const groups = await startClients(CLIENT_PROCESSES);
    const busServer = spawnHelper<ServerReady>("bus-server", "events-server.ts", env);
    const busViaTrpcServer = spawnHelper<ServerReady>("bus-via-trpc-server", "events-server.ts", {
      ...env,
      LIVE_DIRECT_FRAMES: "false",
    });
    const rawServer = spawnHelper<ServerReady>("raw-server", "events-raw-server.ts");

    console.log("idle memory…");
    busMemory = await section("idleMemory.bus", () => idleMemory(busServer, groups, "trpc", tokens));
    rawMemory = await section("idleMemory.raw", () => idleMemory(rawServer, groups, "raw", tokens));

    console.log("fan-out…");
    const fanoutTokens = tokens.slice(0, FANOUT_SUBSCRIBERS);
    const fanout = (name: string, server: HelperProcess<ServerReady>, mode: "trpc" | "raw", label: string) =>
      section(name, async () => {
        try {
          return await fanoutSuite(server, groups, mode, fanoutTokens, label);
        } finally {
          await closeClients(groups).catch(() => {}); // a failed arm must not leave its clients to the next
        }
      });
    busDirect = await fanout("fanout.busDirectFrames", busServer, "trpc", "bus, direct frames");
    busViaTrpc = await fanout("fanout.busViaTrpc", busViaTrpcServer, "trpc", "bus, LIVE_DIRECT_FRAMES=false");
    raw = await fanout("fanout.raw", rawServer, "raw", "raw ws, one buffer");

    console.log("resume…");
    resumed = await section("resume", () => resume(busServer, groups[0]!, tokens[0]!));
    busStats = await section("busStats", () => busServer.request<Record<string, number>>("stats"));
    for (const helper of [busServer, busViaTrpcServer, rawServer]) await stopHelper(helper, true).catch(() => {});
    for (const group of groups) await stopHelper(group.helper).catch(() => {});
  } catch (error) {
    failures.setup = errorMessage(error);
    console.log(`  setup FAILED: ${failures.setup}`);
  } finally {
    await Promise.all(helpers.map((h) => h.stop().catch(() => {})));
    await db?.$disconnect().catch(() => {});
    await postgres?.stop().catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    writeResults("events", eventsResults());
  }

  function eventsResults() {
    const direct = compareWithRaw(busDirect, raw);
    const viaTrpc = compareWithRaw(busViaTrpc, raw);
    const directRatio = throughputRatio(busDirect, raw);
    const viaTrpcRatio = throughputRatio(busViaTrpc, raw);
    const pass = (ok: boolean | null | undefined) =>
      ok === null || ok === undefined ? "not measured" : ok ? "pass" : "FAIL";
    return {
      failures,
      summary: {
        latencyFrom: "each event's scheduled time (open loop: event k due at t0 + k/rate), in every arm",
        fanoutP99Ms: Object.fromEntries(
          RATES.map((rate, i) => [
            `${rate}/s`,
            {
              busDirectFrames: direct?.[i]?.busP99Ms ?? busDirect?.runs[i]?.latencyMs.p99 ?? null,
              busViaTrpc: viaTrpc?.[i]?.busP99Ms ?? busViaTrpc?.runs[i]?.latencyMs.p99 ?? null,
              raw: raw?.runs[i]?.latencyMs.p99 ?? null,
              ratioDirectFrames: direct?.[i]?.p99Ratio ?? null,
              ratioViaTrpc: viaTrpc?.[i]?.p99Ratio ?? null,
            },
          ]),
        ),
        achievedPerSec: Object.fromEntries(
          RATES.map((rate, i) => [
            `${rate}/s`,
            {
              busDirectFrames: busDirect?.runs[i]?.achievedPerSec ?? null,
              busViaTrpc: busViaTrpc?.runs[i]?.achievedPerSec ?? null,
              raw: raw?.runs[i]?.achievedPerSec ?? null,
            },
          ]),
        ),
        fanoutP99WithinOneAndAHalfTimesRaw: pass(direct?.every((c) => c.p99WithinOneAndAHalfTimesRaw)),
        unthrottledDeliveriesPerSec: {
          busDirectFrames: busDirect?.unthrottled.deliveredPerSec ?? null,
          busViaTrpc: busViaTrpc?.unthrottled.deliveredPerSec ?? null,
          raw: raw?.unthrottled.deliveredPerSec ?? null,
          ratioDirectFrames: directRatio,
          ratioViaTrpc: viaTrpcRatio,
        },
        unthrottledThroughputAtLeastHalfOfRaw: pass(directRatio === null ? null : directRatio >= 0.5),
        serverCpuUsPerDelivery: {
          busDirectFrames: busDirect?.unthrottled.serverCpuUsPerDelivery ?? null,
          busViaTrpc: busViaTrpc?.unthrottled.serverCpuUsPerDelivery ?? null,
          raw: raw?.unthrottled.serverCpuUsPerDelivery ?? null,
        },
        writerCommitsPerSec: writer && { busOff: writer.busOff.commitsPerSec, busOn: writer.busOn.commitsPerSec },
        writerCostPercent: writer?.costPercent ?? null,
        writerCostUnder20Percent: pass(writer?.targets.costUnder20Percent),
        writerAtLeast1000EventCommitsPerSec: pass(writer?.targets.atLeast1000EventCommitsPerSec),
        writerCommitP99Ms: writer && {
          busOff: writer.busOff.commitLatencyMs.p99,
          busOn: writer.busOn.commitLatencyMs.p99,
        },
        writerAt1000PerSec: writer && {
          committedPerSec: {
            busOff: writer.sustained.busOff.committedPerSec,
            busOn: writer.sustained.busOn.committedPerSec,
          },
          timeoutsAndFailures: {
            busOff: writer.sustained.busOff.timeouts + writer.sustained.busOff.failures,
            busOn: writer.sustained.busOn.timeouts + writer.sustained.busOn.failures,
          },
          commitP99Ms: {
            busOff: writer.sustained.busOff.commitLatencyMs.p99,
            busOn: writer.sustained.busOn.commitLatencyMs.p99,
          },
        },
        writerCommitP99Under20Ms: pass(writer?.targets.commitP99Under20Ms),
        idleSubscriberKiB: { bus: busMemory?.rssPerConnectionKiB ?? null, raw: rawMemory?.rssPerConnectionKiB ?? null },
        idleSubscriberUnder30KiB: pass(busMemory ? busMemory.rssPerConnectionKiB < 30 : null),
        resume10kEventsMs: resumed?.catchUpMs ?? null,
        resumeLostOrDuplicated: resumed ? resumed.missing + resumed.duplicates : null,
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
        arms: {
          busDirectFrames: "the server as shipped: live events encoded once and written as finished frames",
          busViaTrpc: "the same server with LIVE_DIRECT_FRAMES=false: every event through tRPC's loop and JSON encoder",
          raw: "bare ws: each event encoded once into one Buffer, ws.send(buffer) to every socket",
        },
      },
      fanout: {
        busDirectFrames: busDirect,
        busViaTrpc,
        raw,
        comparisons: { busDirectFrames: direct, busViaTrpc: viaTrpc },
        unthrottledThroughputRatio: { busDirectFrames: directRatio, busViaTrpc: viaTrpcRatio },
        targets: {
          p99WithinOneAndAHalfTimesRawAtEveryRate: direct?.every((c) => c.p99WithinOneAndAHalfTimesRaw) ?? null,
          unthrottledThroughputAtLeastHalfOfRaw: directRatio === null ? null : directRatio >= 0.5,
        },
        busStatsAtEnd: busStats,
      },
      writerCost: writer,
      idleMemory: {
        bus: busMemory,
        raw: rawMemory,
        targets: { under30KiBPerIdleSubscriber: busMemory ? busMemory.rssPerConnectionKiB < 30 : null },
      },
      resume: resumed,
    };
  }
}
