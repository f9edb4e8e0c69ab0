// Scale-out: K = 1, 2, 4, 8 server instances on one PostgreSQL, each a separate process with its
// own EventBus (its own LISTEN connection and pump) and the real server (tRPC over WebSocket).
// 1,000 mechanics' boards (`requests.onBoard`) are spread evenly over the instances, from a
// client process of their own; events are published at a steady total rate, shared by all
// instances (as writes would arrive through a load balancer). Per K:
//   - deliveries per second, and commit-to-client latency counted from each event's scheduled
//     time (so an instance that falls behind its schedule counts against it);
//   - PostgreSQL's CPU per 1,000 events: user + system time of the postmaster and every backend,
//     read from /proc/<pid>/stat (pg_stat_statements is not loaded in the embedded server, and
//     would miss LISTEN/NOTIFY work); with the idle cost of K instances (their polls) beside it.
// The target: PostgreSQL's cost per event grows less than linearly in K (each instance reads
// every event once; the writes, commits and NOTIFYs are shared).
// A failure at one K is recorded in the results and the next K still runs.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashSecretToken, newSecretToken } from "@switchboard/api";
import { createDatabase, type Database, migrate, startEmbeddedPostgres } from "@switchboard/db";
import type { Collected, ConnectArgs } from "./events-clients.ts";
import { HelperProcess, machineCpuMs, processTreeCpuMs, sleep } from "./events-control.ts";
import type { PublishArgs, PublishResult } from "./events-server.ts";
import { percentiles, writeResults } from "./measure.ts";

const quick = process.env.BENCH_QUICK === "1";
const INSTANCES = quick ? [1, 2] : [1, 2, 4, 8];
const SUBSCRIBERS = quick ? 100 : 1000;
const RATE = 50;
const RUN_SECONDS = quick ? 2 : 10;
const IDLE_MS = quick ? 1000 : 3000;

const here = path.dirname(fileURLToPath(import.meta.url));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

type Offset = { offsetMs: number; uncertaintyMs: number };
interface Instance {
  helper: HelperProcess<{ url: string }>;
  url: string;
  offset: Offset;
}

let nextSeq = 1;

async function createMechanics(db: Database, count: number): Promise<string[]> {
  const expiresAt = new Date(Date.now() + 86_400_000);
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `scaleout-${i}@bench.example`,
    name: `Mechanic ${i}`,
    role: "mechanic" as const,
    passwordHash: "not-used-by-the-benchmark",
  }));
  const tokens = users.map(() => newSecretToken());
  await db.user.createMany({ data: users });
  await db.mechanic.createMany({ data: users.map((u) => ({ userId: u.id, displayName: u.name })) });
  await db.authSession.createMany({
    data: users.map((u, i) => ({ userId: u.id, tokenHash: hashSecretToken(tokens[i]!), expiresAt })),
  });
  return tokens;
}

async function startInstances(k: number, databaseUrl: string): Promise<Instance[]> {
  const helpers = Array.from(
    { length: k },
    (_, i) =>
      new HelperProcess<{ url: string }>(`server-${i}`, path.join(here, "events-server.ts"), {
        env: { BENCH_DATABASE_URL: databaseUrl },
      }),
  );
  // Started one after another: eight processes loading at once on two cores mostly measure tsx.
  const instances: Instance[] = [];
  for (const helper of helpers) {
    const { url } = await helper.ready;
    instances.push({ helper, url, offset: { offsetMs: 0, uncertaintyMs: 0 } });
  }
  for (const instance of instances) instance.offset = await instance.helper.clockOffset();
  return instances;
}

/** Every instance publishes its share of `count` events at rate/K, all starting together. */
async function publishSpread(instances: Instance[], count: number, rate: number) {
  const k = instances.length;
  const shares = instances.map((instance, j) => {
    const n = Math.floor(count / k) + (j < count % k ? 1 : 0);
    const firstSeq = nextSeq;
    nextSeq += n;
    return { instance, firstSeq, count: n, rate: rate / k };
  });
  const results = await Promise.all(
    shares.map((share) =>
      share.instance.helper.request<PublishResult>("publish", {
        firstSeq: share.firstSeq,
        count: share.count,
        rate: share.rate,
        concurrency: 8,
      } satisfies PublishArgs),
    ),
  );
  return shares.map((share, j) => ({ ...share, result: results[j]! }));
}

async function scaleoutRun(
  k: number,
  databaseUrl: string,
  tokens: string[],
  clients: HelperProcess,
  postgresPid: number,
) {
  const instances = await startInstances(k, databaseUrl);
  try {
    const clientOffset = await clients.clockOffset();
    // Subscribers spread evenly: subscriber i on instance i mod K.
    const connects = await Promise.all(
      instances.map((instance, j) =>
        clients.request<{ connected: number; ms: number }>("connect", {
          url: instance.url,
          mode: "trpc",
          tokens: tokens.filter((_, i) => i % k === j),
        } satisfies ConnectArgs),
      ),
    );
    const subscribers = (await clients.request<number>("count")) as number;

    // Warm-up: every instance's pump, prepared statements and sockets.
    await clients.request("reset");
    const warm = await publishSpread(instances, 20, 20);
    const warmOk = warm.reduce((sum, s) => sum + s.count - s.result.failures, 0);
    await clients.request("waitFor", { deliveries: warmOk * subscribers, timeoutMs: 20_000 });

    // What K idle instances cost PostgreSQL (each polls the outbox once a second).
    const idleBefore = processTreeCpuMs(postgresPid);
    const idleStarted = performance.now();
    await sleep(IDLE_MS);
    const idlePostgresCores = (processTreeCpuMs(postgresPid) - idleBefore) / (performance.now() - idleStarted);

    await clients.request("reset");
    const statsBefore = await Promise.all(
      instances.map((i) => i.helper.request<{ pumps: number; notifies: number }>("stats")),
    );
    const count = RATE * RUN_SECONDS;
    const cpuBefore = {
      at: performance.now(),
      postgres: processTreeCpuMs(postgresPid),
      servers: instances.map((i) => i.helper.cpuMs()),
      clients: clients.cpuMs(),
      machine: machineCpuMs(),
    };
    const shares = await publishSpread(instances, count, RATE);
    const publishedOk = shares.reduce((sum, s) => sum + s.count - s.result.failures, 0);
    const wait = await clients.request<{ delivered: number; timedOut: boolean }>("waitFor", {
      deliveries: publishedOk * subscribers,
      timeoutMs: 30_000,
    });
    const cpuAfter = {
      at: performance.now(),
      postgres: processTreeCpuMs(postgresPid),
      servers: instances.map((i) => i.helper.cpuMs()),
      clients: clients.cpuMs(),
      machine: machineCpuMs(),
    };
    const statsAfter = await Promise.all(
      instances.map((i) => i.helper.request<{ pumps: number; notifies: number }>("stats")),
    );
    const collected = await clients.request<Collected>("collect");
    await clients.request("closeAll");

    // Each event's scheduled time on our clock, by sequence number.
    const scheduledAt = new Map<number, number>();
    let publishStart = Number.POSITIVE_INFINITY;
    for (const share of shares) {
      const startedAt = share.result.startedAt - share.instance.offset.offsetMs;
      publishStart = Math.min(publishStart, startedAt);
      for (let i = 0; i < share.count; i++) {
        if (!Number.isNaN(share.result.commitTimes[i]!))
          scheduledAt.set(share.firstSeq + i, startedAt + (i * 1000) / share.rate);
      }
    }
    const latencies: number[] = [];
    let lastReceived = publishStart;
    for (let j = 0; j < collected.delivered; j++) {
      const scheduled = scheduledAt.get(collected.seqs[j]!);
      if (scheduled === undefined) continue;
      const received = collected.receivedAt[j]! - clientOffset.offsetMs;
      latencies.push(received - scheduled);
      lastReceived = Math.max(lastReceived, received);
    }
    const windowMs = lastReceived - publishStart;
    const elapsedMs = cpuAfter.at - cpuBefore.at;
    const postgresCpuMs = cpuAfter.postgres - cpuBefore.postgres;
    const serversCpuMs = cpuAfter.servers.reduce((sum, v, i) => sum + v - cpuBefore.servers[i]!, 0);
    const ours = postgresCpuMs + serversCpuMs + (cpuAfter.clients - cpuBefore.clients);
    const pumps = statsAfter.reduce((sum, s, i) => sum + s.pumps - statsBefore[i]!.pumps, 0);
    const notifies = statsAfter.reduce((sum, s, i) => sum + s.notifies - statsBefore[i]!.notifies, 0);
    return {
      instances: k,
      subscribers,
      // Sockets the client process holds, after connecting to each instance in turn (cumulative).
      socketsAfterEachConnect: connects.map((c) => c.connected),
      subscribersPerInstance: instances.map((_, j) => tokens.filter((_, i) => i % k === j).length),
      events: count,
      publishFailures: shares.reduce((sum, s) => sum + s.result.failures, 0),
      firstPublishFailure: shares.find((s) => s.result.firstFailure)?.result.firstFailure ?? null,
      expectedDeliveries: publishedOk * subscribers,
      delivered: latencies.length,
      timedOut: wait.timedOut,
      deliveredPerSec: Math.round((latencies.length * 1000) / windowMs),
      latencyFromScheduleMs: percentiles(latencies),
      postgresCpuMsPer1000Events: round((postgresCpuMs * 1000) / publishedOk),
      postgresCoresDuringRun: round(postgresCpuMs / elapsedMs, 3),
      postgresCoresIdle: round(idlePostgresCores, 3),
      serversCpuMsPer1000Events: round((serversCpuMs * 1000) / publishedOk),
      pumpsPerEvent: round(pumps / publishedOk, 2),
      notifies,
      otherOnMachineCores: Math.max(0, round((cpuAfter.machine.busy - cpuBefore.machine.busy - ours) / elapsedMs, 2)),
      unexpectedCloses: collected.unexpectedCloses,
      serverErrors: collected.serverErrors,
    };
  } finally {
    await Promise.all(instances.map((i) => i.helper.request("shutdown").catch(() => {})));
    await Promise.all(instances.map((i) => i.helper.stop()));
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now();
  const runs: (Record<string, unknown> & { instances: number })[] = [];
  const failures: { stage: string; error: string }[] = [];
  const record = (stage: string, error: unknown) => {
    failures.push({ stage, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    console.log(`  ${stage} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  let dataDir: string | null = null;
  let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let db: Database | null = null;
  let clients: HelperProcess | null = null;
  try {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-scaleout-"));
    postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    const postgresPid = Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    await postgres.ensureDatabase("bench_scaleout");
    const databaseUrl = postgres.url("bench_scaleout");
    await migrate(databaseUrl);
    db = createDatabase(databaseUrl);
    const tokens = await createMechanics(db, SUBSCRIBERS);
    clients = new HelperProcess("clients", path.join(here, "events-clients.ts"));
    await clients.ready;
    for (const k of INSTANCES) {
      try {
        const result = await scaleoutRun(k, databaseUrl, tokens, clients, postgresPid);
        runs.push(result);
        console.log(
          `  K=${k}: ${result.deliveredPerSec} deliveries/s, p99 ${result.latencyFromScheduleMs.p99} ms, PostgreSQL ${result.postgresCpuMsPer1000Events} ms CPU per 1,000 events`,
        );
      } catch (error) {
        record(`K=${k}`, error);
        runs.push({ instances: k, failed: true });
      }
    }
  } catch (error) {
    record("setup", error);
  } finally {
    await clients?.stop().catch(() => {});
    await db?.$disconnect().catch(() => {});
    await postgres?.stop().catch((error: unknown) => record("stopping PostgreSQL", error));
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }

  type Measured = { instances: number; postgresCpuMsPer1000Events: number; latencyFromScheduleMs: { p99: number } };
  const measured = runs.filter((r): r is typeof r & Measured => typeof r.postgresCpuMsPer1000Events === "number");
  const base = measured.find((r) => r.instances === 1);
  const growth = base
    ? measured.map((r) => ({
        instances: r.instances,
        postgresCostPerEventVsOneInstance: round(r.postgresCpuMsPer1000Events / base.postgresCpuMsPer1000Events, 2),
        lessThanLinear:
          r.instances === 1 || r.postgresCpuMsPer1000Events / base.postgresCpuMsPer1000Events < r.instances,
      }))
    : [];
  writeResults("scaleout", {
    summary: {
      byInstances: Object.fromEntries(
        measured.map((r) => [
          `K=${r.instances}`,
          {
            deliveredPerSec: (r as Record<string, unknown>).deliveredPerSec,
            p99Ms: r.latencyFromScheduleMs.p99,
            postgresCpuMsPer1000Events: r.postgresCpuMsPer1000Events,
          },
        ]),
      ),
      growth,
      postgresCostGrowsLessThanLinearly:
        growth.length === INSTANCES.length && growth.every((g) => g.lessThanLinear) ? "pass" : "FAIL",
      failures: failures.length,
    },
    setup: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      subscribers: SUBSCRIBERS,
      ratePerSec: RATE,
      runSeconds: RUN_SECONDS,
      publishing: "each instance publishes rate/K of the events (EventBus.publish in a Prisma transaction)",
      postgresCpu:
        "user+system time of the embedded PostgreSQL's postmaster and all its backends (/proc/<pid>/stat), over the run",
      durability: "embedded PostgreSQL in ephemeral mode (fsync=off, synchronous_commit=off)",
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
    },
    runs,
    failures,
  });
}
