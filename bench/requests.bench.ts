// Requests product: the accept race (100 mechanics accept one request at once, 200 times —
// exactly one winner each time) and the board's first page over 10,000 pending requests.
// Calls go through the real router (createCaller with a real context and a started bus).
//
// The race's figure is a ratio to a baseline measured in the same run, round for round: the
// same 100 mechanics at once calling a no-op mutation built with the same builder as accept
// (mechanicProcedure: bounded waits, the session check, the mechanic lookup) whose body is one
// empty transaction (BEGIN, COMMIT). That is the honest floor: every mutation of the product is
// one transaction, so "no transaction" would credit accept's overhead with a pool checkout and
// two round trips that any mutation pays. The no-op lives in a router of this file only, so no
// client can reach it. Rounds alternate (baseline, race) so that load from elsewhere on the
// machine falls on both arms alike.
//
// Where the time goes: a profiled set of rounds times each phase of every call (waiting for a
// pool connection, each statement's round trip, the rest in JavaScript) by wrapping node-postgres'
// Pool.connect and Client.query, and the same race with a pool as large as the crowd shows how
// much of the latency is the pool.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AppEventBus, createAppEventBus, createCaller, createContext, hashSecretToken } from "@switchboard/api";
import { createDatabase, type Database, migrate, startEmbeddedPostgres } from "@switchboard/db";
import pino from "pino";
import { createCallerFactory, mechanicProcedure, router } from "../packages/api/src/trpc.ts";
import { z } from "../packages/api/src/validation-messages.ts";
import { percentiles, runBenchmark, timeEach } from "./measure.ts";

const MECHANICS = 100;
const ROUNDS = 200;
const PROFILED_ROUNDS = 50;
const LARGE_POOL_ROUNDS = 100;
const BOARD_SIZE = 10_000;
/** The server's default (DB_POOL_SIZE) and the pool the bench's clients get. */
const DEFAULT_POOL = 10;

const intake = {
  vehicle: { make: "Ford", model: "Focus", year: 2018 },
  concern: "The engine stalls at idle after warming up.",
  urgency: "normal" as const,
  sessionType: "chat" as const,
  plan: "standard" as const,
};

/** The baseline: accept's builder and input, one empty transaction as its body. */
const baselineRouter = router({
  noop: mechanicProcedure
    .input(z.strictObject({ requestId: z.uuid() }))
    .mutation(({ ctx }) => ctx.db.$transaction(async () => ({ ok: true as const }))),
});
const createBaselineCaller = createCallerFactory(baselineRouter);

/** Users (and their sessions) straight in SQL; mechanics get a profile. */
async function createUsers(db: Database, prefix: string, count: number, mechanic: boolean): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => randomBytes(24).toString("base64url"));
  const ids = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO users (email, password_hash, name, role, updated_at)
    SELECT ${prefix} || n || '@bench.dev', 'x', ${prefix} || ' ' || n, ${mechanic ? "mechanic" : "customer"}::"UserRole", now()
      FROM generate_series(1, ${count}) AS n
    RETURNING id::text`;
  await db.$executeRaw`
    INSERT INTO auth_sessions (user_id, token_hash, expires_at)
    SELECT u::uuid, h, now() + interval '1 day'
      FROM unnest(${ids.map((r) => r.id)}::text[], ${tokens.map(hashSecretToken)}::text[]) AS t(u, h)`;
  if (mechanic) {
    await db.$executeRaw`
      INSERT INTO mechanics (user_id, display_name, updated_at)
      SELECT u::uuid, 'Mechanic ' || u, now() FROM unnest(${ids.map((r) => r.id)}::text[]) AS u`;
  }
  return tokens;
}

/** 10,000 pending requests from 10,000 customers (one pending request per customer). */
async function fillBoard(db: Database): Promise<void> {
  await createUsers(db, "board-customer-", BOARD_SIZE, false);
  await db.$executeRawUnsafe(`
    WITH customers AS (
      SELECT id, row_number() OVER () AS n FROM users WHERE email LIKE 'board-customer-%'
    ), intakes AS (
      INSERT INTO customer_intakes (customer_id, vehicle_make, vehicle_model, vehicle_year, concern, urgency, session_type, plan, created_at)
      SELECT id, 'Make', 'Model ' || n, 2015, 'Concern number ' || n, 'normal', 'chat', 'basic', now() - n * interval '1 second'
        FROM customers RETURNING id, customer_id, created_at
    ), sessions AS (
      INSERT INTO service_sessions (customer_id, intake_id, type, created_at)
      SELECT customer_id, id, 'chat', created_at FROM intakes RETURNING id, customer_id, created_at
    )
    INSERT INTO session_requests (session_id, customer_id, created_at, updated_at)
    SELECT id, customer_id, created_at, created_at FROM sessions`);
  await db.$executeRawUnsafe("ANALYZE");
}

type Outcome = "won" | "lost" | `failed: ${string}`;

/** One call's phases, in ms: the pool wait and each statement kind's round trips. */
class CallProfile {
  readonly phases = new Map<string, number>();
  add(phase: string, ms: number) {
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + ms);
  }
}

/**
 * Wraps node-postgres (the one copy @switchboard/db uses) so that every pool checkout and every
 * statement made inside `profiled.run(...)` is timed into that call's profile. Callbacks queued
 * for a pool connection are bound to their caller, or a waiter would be charged to whoever
 * released the connection.
 */
function instrumentPostgres(profiled: AsyncLocalStorage<CallProfile>) {
  const pg = createRequire(fileURLToPath(new URL("../packages/db/package.json", import.meta.url)))("pg") as {
    Pool: { prototype: { connect: (...args: unknown[]) => unknown } };
    Client: { prototype: { query: (...args: unknown[]) => unknown } };
  };
  const connect = pg.Pool.prototype.connect;
  const query = pg.Client.prototype.query;
  const timed = (profile: CallProfile, phase: string, args: unknown[], call: (args: unknown[]) => unknown) => {
    const started = performance.now();
    const done = () => profile.add(phase, performance.now() - started);
    const callback = args.findIndex((arg) => typeof arg === "function");
    if (callback >= 0) {
      const original = args[callback] as (...results: unknown[]) => void;
      args[callback] = AsyncLocalStorage.bind((...results: unknown[]) => {
        done();
        original(...results);
      });
      return call(args);
    }
    const result = call(args) as Promise<unknown> | undefined;
    result?.then?.(done, done);
    return result;
  };
  pg.Pool.prototype.connect = function (this: unknown, ...args: unknown[]) {
    const profile = profiled.getStore();
    if (!profile) return connect.apply(this, args);
    return timed(profile, "pool wait", args, (a) => connect.apply(this, a));
  };
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const profile = profiled.getStore();
    if (!profile) return query.apply(this, args);
    return timed(profile, statementKind(args[0]), args, (a) => query.apply(this, a));
  };
  return () => {
    pg.Pool.prototype.connect = connect;
    pg.Client.prototype.query = query;
  };
}

/** "BEGIN", "UPDATE session_requests", "COMMIT with 2 outbox statement(s)", ... */
function statementKind(config: unknown): string {
  const sql = (typeof config === "string" ? config : ((config as { text?: string })?.text ?? "")).trim();
  if (/^(BEGIN|ROLLBACK|COMMIT)$/.test(sql)) return sql;
  if (sql.endsWith("COMMIT")) return `COMMIT with ${sql.split(";\n").length - 1} outbox statement(s)`;
  // A commit with events wakes the bus (NOTIFY, then the pump's outbox reads) in the async
  // context of that commit; nobody waits for either.
  if (/\bevent_outbox\b|pg_notify/.test(sql)) return OFF_PATH;
  const verb = sql.split(/\s/, 1)[0]!.toUpperCase();
  const table = /"(?:public"\.")?(\w+)"|\b(?:FROM|UPDATE|INTO)\s+(\w+)/i.exec(sql);
  return table ? `${verb} ${table[1] ?? table[2]}` : sql.slice(0, 40);
}

/** Statements timed in a call's context that it does not wait for (the event bus's pump). */
const OFF_PATH = "event bus wake-up and pump (after the winner's commit, not waited for)";

const round1 = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export function run(): Promise<void> {
  return runBenchmark("requests", async (results) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    const log = pino({ level: "silent" });
    const databases: Database[] = [];
    let events: AppEventBus | null = null;
    try {
      await server.ensureDatabase("bench");
      const url = server.url("bench");
      await migrate(url);
      const db = createDatabase(url, { poolSize: DEFAULT_POOL });
      databases.push(db);
      const bus = createAppEventBus({ databaseUrl: url });
      events = bus;
      await bus.start();
      const contextOf = (database: Database, token: string) =>
        createContext({ db: database, log, events: bus }, { token, requestId: "bench" });

      const mechanicTokens = await createUsers(db, "racer-", MECHANICS, true);
      const [customerToken] = await createUsers(db, "race-customer-", 1, false);
      const customer = createCaller(await contextOf(db, customerToken!));

      /** Both arms over one database client: contexts built once per mechanic, as over a WebSocket. */
      const racers = async (database: Database) => {
        const contexts = await Promise.all(mechanicTokens.map((token) => contextOf(database, token)));
        return {
          accept: contexts.map((ctx) => createCaller(ctx)),
          noop: contexts.map((ctx) => createBaselineCaller(ctx)),
        };
      };

      /** `rounds` alternating pairs (baseline round, race round); every call and round timed. */
      const race = async (database: Database, rounds: number, profiled?: AsyncLocalStorage<CallProfile>) => {
        const { accept, noop } = await racers(database);
        const acceptMs: number[] = [];
        const baselineMs: number[] = [];
        const roundMs: number[] = [];
        const baselineRoundMs: number[] = [];
        const profiles: { outcome: Outcome; totalMs: number; profile: CallProfile }[] = [];
        let roundsWithOneWinner = 0;
        let losersWithPlainConflict = 0;
        const failures: string[] = [];
        for (let r = 0; r < rounds; r++) {
          const { requestId } = await customer.requests.submit(intake);

          const baselineStarted = performance.now();
          await Promise.all(
            noop.map(async (caller) => {
              const started = performance.now();
              try {
                await caller.noop({ requestId });
              } catch (error) {
                failures.push(`baseline: ${String(error)}`);
              } finally {
                baselineMs.push(performance.now() - started);
              }
            }),
          );
          baselineRoundMs.push(performance.now() - baselineStarted);

          const roundStarted = performance.now();
          const outcomes = await Promise.all(
            accept.map(async (caller): Promise<Outcome> => {
              const profile = new CallProfile();
              const started = performance.now();
              let outcome: Outcome;
              try {
                await (profiled
                  ? profiled.run(profile, () => caller.requests.accept({ requestId }))
                  : caller.requests.accept({ requestId }));
                outcome = "won";
              } catch (error) {
                const cause = (error as { cause?: { appCode?: string } }).cause;
                outcome = cause?.appCode === "REQUEST_ALREADY_ACCEPTED" ? "lost" : `failed: ${String(error)}`;
              }
              const totalMs = performance.now() - started;
              acceptMs.push(totalMs);
              if (profiled) profiles.push({ outcome, totalMs, profile });
              return outcome;
            }),
          );
          roundMs.push(performance.now() - roundStarted);
          if (outcomes.filter((o) => o === "won").length === 1) roundsWithOneWinner++;
          losersWithPlainConflict += outcomes.filter((o) => o === "lost").length;
          failures.push(...outcomes.filter((o) => o.startsWith("failed")));
        }
        const accepted = percentiles(acceptMs);
        const baseline = percentiles(baselineMs);
        return {
          figures: {
            rounds,
            roundsWithExactlyOneWinner: roundsWithOneWinner,
            losersToldAnotherMechanicAccepted: losersWithPlainConflict,
            failedCalls: failures.length,
            failuresByMessage: Object.fromEntries(
              [...new Set(failures)].map((f) => [f, failures.filter((g) => g === f).length]),
            ),
            acceptLatencyMs: accepted,
            wholeRoundMs: percentiles(roundMs),
            baselineNoopLatencyMs: baseline,
            baselineWholeRoundMs: percentiles(baselineRoundMs),
            acceptOverBaseline: { p50: ratio(accepted.p50, baseline.p50), p99: ratio(accepted.p99, baseline.p99) },
            pass:
              roundsWithOneWinner === rounds &&
              losersWithPlainConflict === rounds * (MECHANICS - 1) &&
              failures.length === 0,
          },
          profiles,
        };
      };

      // Warm both arms (JIT, the pool's connections), then the measured race.
      await race(db, 5);
      results.set("settings", {
        mechanics: MECHANICS,
        poolSize: DEFAULT_POOL,
        baseline: "mechanicProcedure mutation, same input, body: one empty transaction (BEGIN, COMMIT)",
      });
      await results.arm("acceptRace", async () => (await race(db, ROUNDS)).figures);

      // Where the time goes: the same race with every call's phases timed.
      await results.arm("acceptRaceProfile", async () => {
        const profiled = new AsyncLocalStorage<CallProfile>();
        const restore = instrumentPostgres(profiled);
        try {
          const { figures, profiles } = await race(db, PROFILED_ROUNDS, profiled);
          const breakdown = (outcome: Outcome) => {
            const calls = profiles.filter((p) => p.outcome === outcome);
            const phases = new Set(calls.flatMap((c) => [...c.profile.phases.keys()]));
            const perPhase: Record<string, { meanMs: number; p99Ms: number; shareOfTime: number }> = {};
            const total = calls.reduce((sum, c) => sum + c.totalMs, 0);
            let accounted = 0;
            for (const phase of phases) {
              if (phase === OFF_PATH) continue;
              const samples = calls.map((c) => c.profile.phases.get(phase) ?? 0);
              const sum = samples.reduce((a, b) => a + b, 0);
              accounted += sum;
              perPhase[phase] = {
                meanMs: round1(sum / calls.length),
                p99Ms: round1(percentiles(samples).p99),
                shareOfTime: ratio(sum, total),
              };
            }
            const rest = total - accounted;
            perPhase["JavaScript (tRPC, Prisma, the event loop on 2 busy cores)"] = {
              meanMs: round1(rest / calls.length),
              p99Ms: Number.NaN,
              shareOfTime: ratio(rest, total),
            };
            return { calls: calls.length, meanMs: round1(total / calls.length), phases: perPhase };
          };
          return {
            note: "node-postgres wrapped to time each phase: latencies here are a little higher than in acceptRace",
            acceptLatencyMs: figures.acceptLatencyMs,
            baselineNoopLatencyMs: figures.baselineNoopLatencyMs,
            pass: figures.pass,
            winners: breakdown("won"),
            losers: breakdown("lost"),
          };
        } finally {
          restore();
        }
      });

      // The pool's share: the same race with a pool as large as the crowd of mechanics.
      await results.arm("acceptRaceWithPoolOf100", async () => {
        const large = createDatabase(url, { poolSize: MECHANICS });
        databases.push(large);
        await race(large, 5);
        const { figures } = await race(large, LARGE_POOL_ROUNDS);
        return { poolSize: MECHANICS, ...figures };
      });

      await results.arm("board", async () => {
        // Filling 10,000 requests is one statement that can outlast the product's 15 s
        // statement_timeout on a busy machine; it is set-up, not the figure.
        const setup = createDatabase(url, { statementTimeoutMs: 600_000 });
        databases.push(setup);
        await fillBoard(setup);
        const mechanic = createCaller(await contextOf(db, mechanicTokens[0]!));
        await timeEach(50, () => mechanic.requests.board({})); // warm
        const firstPage = percentiles(await timeEach(1000, () => mechanic.requests.board({})));
        const { nextCursor } = await mechanic.requests.board({ limit: 25 });
        const deepPage = percentiles(
          await timeEach(300, () => mechanic.requests.board({ cursor: nextCursor, limit: 25 })),
        );
        return {
          pendingRequests: await db.sessionRequest.count({ where: { status: "pending" } }),
          firstPageMs: firstPage,
          pageAfterCursorMs: deepPage,
          targetFirstPageP99Ms: 20,
          pass: firstPage.p99 < 20,
        };
      });
    } finally {
      await events?.stop();
      for (const database of databases) await database.$disconnect();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}
