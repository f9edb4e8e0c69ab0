// Requests product: the accept race (100 mechanics accept one request at once, 200 times —
// exactly one winner each time) and the board's first page over 10,000 pending requests.
// Calls go through the real router (createCaller with a real context and a started bus).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAppEventBus, createCaller, createContext, hashSecretToken } from "@switchboard/api";
import { createDatabase, type Database, migrate, startEmbeddedPostgres } from "@switchboard/db";
import pino from "pino";
import { percentiles, timeEach, writeResults } from "./measure.ts";

const MECHANICS = 100;
const ROUNDS = 200;
const BOARD_SIZE = 10_000;

const intake = {
  vehicle: { make: "Ford", model: "Focus", year: 2018 },
  concern: "The engine stalls at idle after warming up.",
  urgency: "normal" as const,
  sessionType: "chat" as const,
  plan: "standard" as const,
};

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

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
  const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  const log = pino({ level: "silent" });
  try {
    await server.ensureDatabase("bench");
    const url = server.url("bench");
    await migrate(url);
    const db = createDatabase(url);
    const events = createAppEventBus({ databaseUrl: url });
    await events.start();
    const caller = async (token: string) =>
      createCaller(await createContext({ db, log, events }, { token, requestId: "bench" }));

    // Accept race.
    const mechanics = await Promise.all((await createUsers(db, "racer-", MECHANICS, true)).map(caller));
    const [customer] = await Promise.all((await createUsers(db, "race-customer-", 1, false)).map(caller));
    const acceptMs: number[] = [];
    const roundMs: number[] = [];
    let roundsWithOneWinner = 0;
    let losersWithPlainConflict = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { requestId } = await customer!.requests.submit(intake);
      const roundStarted = performance.now();
      const outcomes = await Promise.all(
        mechanics.map(async (mechanic) => {
          const started = performance.now();
          try {
            await mechanic.requests.accept({ requestId });
            return "won";
          } catch (error) {
            const cause = (error as { cause?: { appCode?: string } }).cause;
            return cause?.appCode === "REQUEST_ALREADY_ACCEPTED" ? "lost" : `failed: ${String(error)}`;
          } finally {
            acceptMs.push(performance.now() - started);
          }
        }),
      );
      roundMs.push(performance.now() - roundStarted);
      const winners = outcomes.filter((o) => o === "won").length;
      if (winners === 1) roundsWithOneWinner++;
      losersWithPlainConflict += outcomes.filter((o) => o === "lost").length;
      const failures = outcomes.filter((o) => o.startsWith("failed"));
      if (failures.length) throw new Error(`round ${round}: ${failures[0]}`);
    }

    // Board load.
    await fillBoard(db);
    const [boardMechanic] = mechanics;
    await timeEach(50, () => boardMechanic!.requests.board({})); // warm
    const firstPage = percentiles(await timeEach(1000, () => boardMechanic!.requests.board({})));
    const { nextCursor } = await boardMechanic!.requests.board({ limit: 25 });
    const deepPage = percentiles(
      await timeEach(300, () => boardMechanic!.requests.board({ cursor: nextCursor, limit: 25 })),
    );
    const pending = await db.sessionRequest.count({ where: { status: "pending" } });

    await events.stop();
    await db.$disconnect();
    writeResults("requests", {
      acceptRace: {
        mechanics: MECHANICS,
        rounds: ROUNDS,
        roundsWithExactlyOneWinner: roundsWithOneWinner,
        losersToldAnotherMechanicAccepted: losersWithPlainConflict,
        acceptLatencyMs: percentiles(acceptMs),
        wholeRoundMs: percentiles(roundMs),
        pass: roundsWithOneWinner === ROUNDS && losersWithPlainConflict === ROUNDS * (MECHANICS - 1),
      },
      board: {
        pendingRequests: pending,
        firstPageMs: firstPage,
        pageAfterCursorMs: deepPage,
        targetFirstPageP99Ms: 20,
        pass: firstPage.p99 < 20,
      },
    });
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
