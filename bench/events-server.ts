// The real Switchboard server (startServer: tRPC over HTTP and WebSocket on one port, with the
// event bus) in its own process, for the event-bus benchmark. It also publishes the benchmark's
// events the way the product does: EventBus.publish inside a Prisma interactive transaction,
// on this process's bus, timing each commit on the shared clock.
import os from "node:os";
import path from "node:path";
import { createAppEventBus } from "@switchboard/api";
import { createDatabase } from "@switchboard/db";
import pino from "pino";
import { liveDirectFrames } from "../apps/server/src/env.ts";
import { startServer } from "../apps/server/src/server.ts";
import { now, serveControl, sleep } from "./events-control.ts";
import { BOARD_SCOPE, BOARD_TOPIC, boardCreated } from "./events-payload.ts";

export interface PublishArgs {
  firstSeq: number;
  count: number;
  /** Events per second, scheduled open-loop; null publishes as fast as `concurrency` writers can. */
  rate: number | null;
  concurrency?: number;
}

export interface PublishResult {
  /** Commit time of event firstSeq + i (shared clock, this process). */
  commitTimes: Float64Array;
  startedAt: number;
  finishedAt: number;
  lastEventId: string;
  /** Transactions that failed (their events were never published). */
  failures: number;
  firstFailure: string | null;
}

const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error("BENCH_DATABASE_URL is not set");

// The benchmark starts one server with LIVE_DIRECT_FRAMES=false beside the default one.
const directFrames = liveDirectFrames(process.env);
const db = createDatabase(databaseUrl);
const events = createAppEventBus({ databaseUrl });
await events.start();
const server = await startServer(
  {
    services: { db, events, log: pino({ level: "silent" }) },
    databaseUrl,
    dashboardDist: path.join(os.tmpdir(), "sb-bench-no-dashboard"),
    directFrames,
  },
  { port: 0, host: "127.0.0.1" },
);

function positionOf(eventId: string): [bigint, bigint] {
  const [txId, id] = eventId.split(".");
  return [BigInt(txId!), BigInt(id!)];
}

function isAfter(a: string, b: string): boolean {
  const [at, ai] = positionOf(a);
  const [bt, bi] = positionOf(b);
  return at !== bt ? at > bt : ai > bi;
}

async function publish({ firstSeq, count, rate, concurrency = 8 }: PublishArgs): Promise<PublishResult> {
  const commitTimes = new Float64Array(count).fill(Number.NaN);
  let failures = 0;
  let firstFailure: string | null = null;
  const publishOne = async (i: number) => {
    try {
      // Generous waits: under overload a transaction waits for the saturated event loop, and the
      // benchmark reports that wait (commit lag) rather than losing the event. Product code keeps
      // Prisma's defaults (maxWait 2 s), so there such a wait fails the request.
      await db.$transaction((tx) => events.publish(tx, BOARD_TOPIC, BOARD_SCOPE, boardCreated(firstSeq + i)), {
        maxWait: 60_000,
        timeout: 60_000,
      });
      commitTimes[i] = now();
    } catch (error) {
      // Reported, not fatal: e.g. a transaction that could not start while the process was saturated.
      failures++;
      firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  };
  const startedAt = now();
  if (rate) {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = startedAt + (i * 1000) / rate - now();
      if (wait > 0.5) await sleep(wait);
      inFlight.push(publishOne(i));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await publishOne(next++);
      }),
    );
  }
  const finishedAt = now();
  // Every publishing transaction has ended: the newest outbox row is the last event.
  const [newest] = await db.$queryRaw<{ id: string }[]>`
    SELECT tx_id::text || '.' || id::text AS id FROM event_outbox ORDER BY tx_id DESC, id DESC LIMIT 1`;
  return { commitTimes, startedAt, finishedAt, lastEventId: newest?.id ?? "0.0", failures, firstFailure };
}

async function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  return process.memoryUsage();
}

serveControl(
  {
    publish: (args) => publish(args as PublishArgs),
    head: () => events.headEventId(),
    isDelivered: (eventId) => !isAfter(eventId as string, events.headEventId()),
    stats: () => ({ ...events.stats, subscribers: events.subscriberCount() }),
    memory,
    shutdown: async () => {
      await server.close();
      await events.stop();
      await db.$disconnect();
    },
  },
  { url: server.url, directFrames },
);
