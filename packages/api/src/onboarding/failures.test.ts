// classifyFailure against real failures: PostgreSQL errors caused on a real test database through
// Prisma, real fetch failures against local sockets, and real Stripe SDK errors raised by the SDK
// itself from answers of the local Stripe fake. Where a failure cannot be caused on demand (a
// server that is starting up, a DNS answer), the error is built in the exact shape the driver
// produces, and the case says so.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase } from "@switchboard/db";
import { createResearchClient } from "@switchboard/integrations";
import { createTestDatabase, type StripeFake, startStripeFake, type TestDatabase } from "@switchboard/testing";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  classifyFailure,
  HttpStatusError,
  type OnboardingFailure,
  permanentFailure,
  StepFailure,
  transientFailure,
} from "./failures.ts";

const TECHNICAL = /sql|prisma|econn|p20\d\d|stack|undefined|null|error:/i;
/** SQLSTATEs, Prisma codes, Node/undici codes, HTTP statuses, vendor names: none may reach the owner. */
const CODES = /\b(?:\d{3,5}|\d{2}[0-9A-Z]{3}|P\d{4}|E[A-Z_]{4,}|UND_ERR\w*)\b/;
const VENDORS = /stripe|postgres|fetch|undici|node/i;

let database: TestDatabase;
let stripeFake: StripeFake;
let hanging: Server;
let hangingUrl: string;
let answering: Server;
let answeringUrl: string;
let answerStatus = 503;
let resetting: Server;
let resettingUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined) {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A local port nothing listens on (it was just freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return Number(new URL(url).port);
}

async function rejectionOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail");
}

/** A real Stripe SDK client against the local fake; no SDK retries, so one answer → one error. */
function stripeClient(key = "sk_test_failures", baseUrl = stripeFake.url): Stripe {
  const url = new URL(baseUrl);
  return new Stripe(key, { host: url.hostname, port: url.port, protocol: "http", maxNetworkRetries: 0 });
}

/** The SDK's own error for the fake's next answer (status + Stripe error envelope). */
async function stripeError(status: number, error: Record<string, string>): Promise<unknown> {
  stripeFake.failNext(1, status, error as { type: string });
  return rejectionOf(stripeClient().checkout.sessions.retrieve("cs_test_anything"));
}

function cardError(code: string, decline_code?: string) {
  return stripeError(402, {
    type: "card_error",
    code,
    ...(decline_code ? { decline_code } : {}),
    message: `Card error: ${decline_code ?? code}`,
  });
}

/** A PostgreSQL server error in node-postgres' shape (DatabaseError: code, severity, message). */
function postgresError(code: string, message: string, severity = "FATAL") {
  return Object.assign(new Error(message), { name: "error", code, severity, length: 100 });
}

/** A Node system error as undici puts it under TypeError("fetch failed").cause. */
function fetchFailed(code: string, syscall = "connect") {
  const cause = Object.assign(new Error(`${syscall} ${code} research.internal:8080`), { code, syscall, errno: -1 });
  return new TypeError("fetch failed", { cause });
}

/** Prisma's wrapping of a driver-adapter error that has no SQLSTATE (socket-level). */
function prismaAdapterError(code: string, kind: string) {
  const driverAdapterError = Object.assign(new Error(kind), { name: "DriverAdapterError", cause: { kind } });
  return Object.assign(new Error("Invalid `prisma.user.findFirst()` invocation"), {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { driverAdapterError },
    clientVersion: "7.10.0",
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db.$executeRawUnsafe("CREATE TABLE failure_parent (id int PRIMARY KEY)");
  await db.$executeRawUnsafe(
    "CREATE TABLE failure_child (id int PRIMARY KEY, code varchar(5) NOT NULL, parent_id int REFERENCES failure_parent(id))",
  );
  await db.$executeRawUnsafe("CREATE TABLE failure_counter (id int PRIMARY KEY, n int NOT NULL)");
  await db.$executeRawUnsafe("INSERT INTO failure_counter VALUES (1, 0), (2, 0)");
  await db.$executeRawUnsafe("INSERT INTO failure_parent VALUES (1)");
  await db.user.create({ data: { email: "taken@example.com", passwordHash: "x", name: "Taken" } });
  // A database a migration has not reached: one table and one column are missing.
  await db.$executeRawUnsafe("DROP TABLE weekly_summaries");
  await db.$executeRawUnsafe("ALTER TABLE daily_summaries DROP COLUMN message_count");

  stripeFake = await startStripeFake();
  hanging = createServer(() => {}); // accepts requests, never answers
  hangingUrl = await listen(hanging);
  answering = createServer((_req, res) => {
    res.writeHead(answerStatus, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "details for the log" }));
  });
  answeringUrl = await listen(answering);
  resetting = createServer((req) => req.socket.destroy());
  resettingUrl = await listen(resetting);
});

afterAll(async () => {
  await Promise.all([close(hanging), close(answering), close(resetting), stripeFake?.close()]);
  await database?.drop();
});

/** Two transactions that each lock a row the other one needs next: PostgreSQL aborts one. */
async function deadlock(): Promise<unknown> {
  const { db } = database;
  let arrived = 0;
  let bothLocked!: () => void;
  const barrier = new Promise<void>((resolve) => {
    bothLocked = resolve;
  });
  const lockThenCross = (first: number, second: number) =>
    db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE failure_counter SET n = n + 1 WHERE id = ${first}`);
        if (++arrived === 2) bothLocked();
        await barrier;
        await tx.$executeRawUnsafe(`UPDATE failure_counter SET n = n + 1 WHERE id = ${second}`);
      },
      { timeout: 20_000 },
    );
  const outcomes = await Promise.allSettled([lockThenCross(1, 2), lockThenCross(2, 1)]);
  return outcomes.find((outcome) => outcome.status === "rejected")?.reason;
}

/** Two serializable transactions that read what the other writes: one cannot commit. */
async function serializationFailure(): Promise<unknown> {
  const { db } = database;
  let arrived = 0;
  let bothRead!: () => void;
  const barrier = new Promise<void>((resolve) => {
    bothRead = resolve;
  });
  const readThenWrite = (id: number) =>
    db.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe("SELECT sum(n)::int AS total FROM failure_counter");
        if (++arrived === 2) bothRead();
        await barrier;
        await tx.$executeRawUnsafe(`UPDATE failure_counter SET n = n + 1 WHERE id = ${id}`);
      },
      { isolationLevel: "Serializable", timeout: 20_000 },
    );
  const outcomes = await Promise.allSettled([readThenWrite(1), readThenWrite(2)]);
  return outcomes.find((outcome) => outcome.status === "rejected")?.reason;
}

/** An operator (or a restart) terminates the connection while a query runs on it: 57P01. */
function terminatedDuringQuery(): Promise<unknown> {
  const { db } = database;
  return rejectionOf(
    db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
      setTimeout(() => {
        db.$queryRawUnsafe(`SELECT pg_terminate_backend(${row!.pid})`).then(
          () => {},
          () => {},
        );
      }, 200);
      await tx.$queryRawUnsafe("SELECT 1 AS one FROM pg_sleep(5)");
    }),
  );
}

/** The connection was terminated between two queries of a transaction: the next one finds it dead. */
function terminatedBetweenQueries(): Promise<unknown> {
  const { db } = database;
  return rejectionOf(
    db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
      await db.$queryRawUnsafe(`SELECT pg_terminate_backend(${row!.pid})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.$queryRawUnsafe("SELECT 1 AS one");
    }),
  );
}

async function databaseConnectionRefused(): Promise<unknown> {
  const closed = createDatabase(`postgresql://switchboard:secret@127.0.0.1:${await closedPort()}/nothing`);
  try {
    return await rejectionOf(closed.user.findFirst());
  } finally {
    await closed.$disconnect();
  }
}

interface Case {
  what: string;
  make: () => unknown;
  kind: OnboardingFailure["kind"];
  code: string;
}

const cases: Case[] = [
  // PostgreSQL through Prisma, caused for real on the test database.
  {
    what: "a unique violation from a Prisma create (P2002 / 23505)",
    make: () =>
      rejectionOf(database.db.user.create({ data: { email: "taken@example.com", passwordHash: "x", name: "Again" } })),
    kind: "permanent",
    code: "database_unique_violation",
  },
  {
    what: "a unique violation from a raw insert (P2010 wrapping 23505)",
    make: () => rejectionOf(database.db.$executeRawUnsafe("INSERT INTO failure_parent VALUES (1)")),
    kind: "permanent",
    code: "database_unique_violation",
  },
  {
    what: "a foreign key violation from a Prisma create (P2003 / 23503)",
    make: () =>
      rejectionOf(
        database.db.membership.create({
          data: {
            organizationId: "00000000-0000-4000-8000-000000000000",
            userId: "00000000-0000-4000-8000-000000000000",
          },
        }),
      ),
    kind: "permanent",
    code: "database_foreign_key_violation",
  },
  {
    what: "a value too long for its column (22001)",
    make: () =>
      rejectionOf(database.db.$executeRawUnsafe("INSERT INTO failure_child (id, code) VALUES (1, 'much too long')")),
    kind: "permanent",
    code: "database_value_too_long",
  },
  {
    what: "a missing required value (23502)",
    make: () => rejectionOf(database.db.$executeRawUnsafe("INSERT INTO failure_child (id, code) VALUES (2, NULL)")),
    kind: "permanent",
    code: "database_required_value_missing",
  },
  {
    what: "a missing table in a raw query (42P01)",
    make: () => rejectionOf(database.db.$queryRawUnsafe("SELECT * FROM onboarding_things_from_the_future")),
    kind: "permanent",
    code: "schema_not_migrated",
  },
  {
    what: "a missing column in a raw query (42703)",
    make: () => rejectionOf(database.db.$queryRawUnsafe("SELECT column_from_the_future FROM users")),
    kind: "permanent",
    code: "schema_not_migrated",
  },
  {
    what: "a missing table under a Prisma model query (P2021)",
    make: () => rejectionOf(database.db.weeklySummary.findMany()),
    kind: "permanent",
    code: "schema_not_migrated",
  },
  {
    what: "a missing column under a Prisma model query (P2022)",
    make: () => rejectionOf(database.db.dailySummary.findMany()),
    kind: "permanent",
    code: "schema_not_migrated",
  },
  {
    what: "a deadlock (40P01)",
    make: deadlock,
    kind: "transient",
    code: "database_conflict",
  },
  {
    what: "a serialization failure (40001)",
    make: serializationFailure,
    kind: "transient",
    code: "database_conflict",
  },
  {
    what: "a statement timeout (57014)",
    make: () =>
      rejectionOf(
        database.db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe("SET LOCAL statement_timeout = 50");
          await tx.$queryRawUnsafe("SELECT 1 AS one FROM pg_sleep(2)");
        }),
      ),
    kind: "transient",
    code: "database_timeout",
  },
  {
    what: "a connection terminated by an administrator during a query (57P01)",
    make: terminatedDuringQuery,
    kind: "transient",
    code: "database_unavailable",
  },
  {
    what: "a query on a connection that was terminated before it (node-postgres, no code)",
    make: terminatedBetweenQueries,
    kind: "transient",
    code: "database_unavailable",
  },
  {
    what: "a database server that refuses the connection (P1001, ECONNREFUSED)",
    make: databaseConnectionRefused,
    kind: "transient",
    code: "database_unavailable",
  },
  // PostgreSQL failures that cannot be caused on demand, in node-postgres' shape.
  {
    what: "a connection failure (08006)",
    make: () => postgresError("08006", "connection failure"),
    kind: "transient",
    code: "database_unavailable",
  },
  {
    what: "a server that cannot establish the connection (08001)",
    make: () => postgresError("08001", "could not establish connection"),
    kind: "transient",
    code: "database_unavailable",
  },
  {
    what: "a server that is starting up (57P03)",
    make: () => postgresError("57P03", "the database system is starting up"),
    kind: "transient",
    code: "database_unavailable",
  },
  {
    what: "too many connections (53300)",
    make: () => postgresError("53300", "sorry, too many clients already"),
    kind: "transient",
    code: "database_busy",
  },
  {
    what: "a connection reset, as Prisma's adapter reports it (ConnectionClosed)",
    make: () => prismaAdapterError("P1017", "ConnectionClosed"),
    kind: "transient",
    code: "database_unavailable",
  },

  // Network failures of fetch, caused for real against local sockets.
  {
    what: "fetch to a closed port (ECONNREFUSED)",
    make: async () => rejectionOf(fetch(`http://127.0.0.1:${await closedPort()}/tasks`)),
    kind: "transient",
    code: "service_unreachable",
  },
  {
    what: "fetch to a server that drops the connection (UND_ERR_SOCKET)",
    make: () => rejectionOf(fetch(`${resettingUrl}/tasks`)),
    kind: "transient",
    code: "service_unreachable",
  },
  {
    what: "fetch to a server that never answers, with AbortSignal.timeout (TimeoutError)",
    make: () => rejectionOf(fetch(`${hangingUrl}/tasks`, { signal: AbortSignal.timeout(100) })),
    kind: "transient",
    code: "service_timeout",
  },
  {
    what: "fetch aborted while waiting (AbortError)",
    make: () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      return rejectionOf(fetch(`${hangingUrl}/tasks`, { signal: controller.signal }));
    },
    kind: "transient",
    code: "service_interrupted",
  },
  {
    what: "the research client timing out on a service that never answers",
    make: () =>
      rejectionOf(
        createResearchClient({ baseUrl: hangingUrl, timeoutMs: 100 }).startTask({
          reference: "00000000-0000-4000-8000-000000000001",
          businessName: "Acme",
          industry: "Plumbing",
          website: null,
        }),
      ),
    kind: "transient",
    code: "service_timeout",
  },
  // Resolver and socket failures that depend on the network, in undici's shape.
  {
    what: "fetch to a host name that does not exist (ENOTFOUND: our configuration)",
    make: () => fetchFailed("ENOTFOUND", "getaddrinfo"),
    kind: "permanent",
    code: "service_misconfigured",
  },
  {
    what: "fetch while DNS is briefly failing (EAI_AGAIN)",
    make: () => fetchFailed("EAI_AGAIN", "getaddrinfo"),
    kind: "transient",
    code: "service_unreachable",
  },
  {
    what: "fetch whose connection was reset (ECONNRESET)",
    make: () => fetchFailed("ECONNRESET", "read"),
    kind: "transient",
    code: "service_unreachable",
  },
  {
    what: "fetch whose connection timed out (ETIMEDOUT)",
    make: () => fetchFailed("ETIMEDOUT"),
    kind: "transient",
    code: "service_timeout",
  },
  {
    what: "fetch whose connect timed out in undici (UND_ERR_CONNECT_TIMEOUT)",
    make: () => fetchFailed("UND_ERR_CONNECT_TIMEOUT"),
    kind: "transient",
    code: "service_timeout",
  },

  // HTTP answers of a service we call.
  ...(
    [
      [500, "transient", "service_unavailable"],
      [502, "transient", "service_unavailable"],
      [503, "transient", "service_unavailable"],
      [429, "transient", "service_rate_limited"],
      [408, "transient", "service_timeout"],
      [400, "permanent", "service_rejected_details"],
      [422, "permanent", "service_rejected_details"],
      [401, "permanent", "service_not_authorized"],
      [403, "permanent", "service_not_authorized"],
      [404, "permanent", "service_not_found"],
      [409, "permanent", "service_rejected_request"],
    ] as const
  ).map(
    ([status, kind, code]): Case => ({
      what: `HttpStatusError ${status}`,
      make: () => new HttpStatusError("the research service", status, '{"error":"stack trace here"}'),
      kind,
      code,
    }),
  ),
  {
    what: "the research client answered 503 by a real local server",
    make: () => {
      answerStatus = 503;
      return rejectionOf(
        createResearchClient({ baseUrl: answeringUrl }).startTask({
          reference: "00000000-0000-4000-8000-000000000002",
          businessName: "Acme",
          industry: "Plumbing",
          website: null,
        }),
      );
    },
    kind: "transient",
    code: "service_unavailable",
  },
  {
    what: "the research client answered 401 by a real local server",
    make: () => {
      answerStatus = 401;
      return rejectionOf(
        createResearchClient({ baseUrl: answeringUrl }).startTask({
          reference: "00000000-0000-4000-8000-000000000003",
          businessName: "Acme",
          industry: "Plumbing",
          website: null,
        }),
      );
    },
    kind: "permanent",
    code: "service_not_authorized",
  },

  // Stripe: errors raised by the real SDK from the fake's answers.
  {
    what: "Stripe card_declined (generic)",
    make: () => cardError("card_declined", "generic_decline"),
    kind: "permanent",
    code: "card_declined",
  },
  {
    what: "Stripe insufficient_funds",
    make: () => cardError("card_declined", "insufficient_funds"),
    kind: "permanent",
    code: "card_insufficient_funds",
  },
  {
    what: "Stripe expired_card",
    make: () => cardError("expired_card"),
    kind: "permanent",
    code: "card_expired",
  },
  {
    what: "Stripe incorrect_cvc",
    make: () => cardError("incorrect_cvc"),
    kind: "permanent",
    code: "card_incorrect_cvc",
  },
  {
    what: "Stripe processing_error",
    make: () => cardError("processing_error"),
    kind: "transient",
    code: "card_processing_error",
  },
  {
    what: "Stripe lost_card (a generic decline, never a fraud hint)",
    make: () => cardError("card_declined", "lost_card"),
    kind: "permanent",
    code: "card_declined",
  },
  {
    what: "Stripe stolen_card (a generic decline, never a fraud hint)",
    make: () => cardError("card_declined", "stolen_card"),
    kind: "permanent",
    code: "card_declined",
  },
  {
    what: "Stripe rate limit (429)",
    make: () => stripeError(429, { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" }),
    kind: "transient",
    code: "payment_provider_busy",
  },
  {
    what: "Stripe API error (500)",
    make: () => stripeError(500, { type: "api_error", message: "An unknown error occurred" }),
    kind: "transient",
    code: "payment_provider_unavailable",
  },
  {
    what: "Stripe unreachable (StripeConnectionError from a closed port)",
    make: async () =>
      rejectionOf(
        stripeClient("sk_test_failures", `http://127.0.0.1:${await closedPort()}`).checkout.sessions.retrieve(
          "cs_test_anything",
        ),
      ),
    kind: "transient",
    code: "payment_provider_unreachable",
  },
  {
    what: "Stripe authentication (a key the fake rejects: 401)",
    make: () => rejectionOf(stripeClient("rk_not_a_secret_key").checkout.sessions.retrieve("cs_test_anything")),
    kind: "permanent",
    code: "payment_misconfigured",
  },
  {
    what: "Stripe permission (403)",
    make: () => stripeError(403, { type: "invalid_request_error", message: "This key cannot do that." }),
    kind: "permanent",
    code: "payment_misconfigured",
  },
  {
    what: "Stripe idempotency key reused with other parameters (400 idempotency_error)",
    make: () => stripeError(400, { type: "idempotency_error", message: "Keys for idempotent requests..." }),
    kind: "permanent",
    code: "payment_misconfigured",
  },
  {
    what: "Stripe resource_missing (retrieving a checkout session that does not exist)",
    make: () => rejectionOf(stripeClient().checkout.sessions.retrieve("cs_test_never_created")),
    kind: "permanent",
    code: "payment_session_not_found",
  },
  {
    what: "Stripe invalid request (400, other)",
    make: () => stripeError(400, { type: "invalid_request_error", code: "parameter_unknown", message: "Unknown" }),
    kind: "permanent",
    code: "payment_request_rejected",
  },

  // Failures a step throws on purpose, and everything unknown.
  {
    what: "a permanent StepFailure",
    make: () =>
      permanentFailure(
        "payment_not_completed",
        "We haven't received your payment yet.",
        "Finish paying on the payment page, then press Retry.",
      ),
    kind: "permanent",
    code: "payment_not_completed",
  },
  {
    what: "a transient StepFailure, wrapping a permanent database error (the StepFailure decides)",
    make: async () =>
      transientFailure(
        "organization_busy",
        "Your organization is being updated.",
        "Press Retry in a minute.",
        await rejectionOf(database.db.$executeRawUnsafe("INSERT INTO failure_parent VALUES (1)")),
      ),
    kind: "transient",
    code: "organization_busy",
  },
  {
    what: "a plain Error",
    make: () => new Error("Cannot read properties of undefined (reading 'id')"),
    kind: "permanent",
    code: "unexpected",
  },
  {
    what: "an unexpected PostgreSQL error (P0001 raised by a trigger)",
    make: () =>
      rejectionOf(database.db.$executeRawUnsafe("DO $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$")),
    kind: "permanent",
    code: "unexpected",
  },
  { what: "a thrown string", make: () => "ECONNREFUSED", kind: "permanent", code: "unexpected" },
  { what: "a thrown undefined", make: () => undefined, kind: "permanent", code: "unexpected" },
];

function expectPlain(failure: OnboardingFailure) {
  for (const text of [failure.message, failure.action]) {
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).not.toMatch(TECHNICAL);
    expect(text).not.toMatch(CODES);
    expect(text).not.toMatch(VENDORS);
    expect(text).toMatch(/[.!]$/);
  }
  expect(failure.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
}

describe("classifyFailure", () => {
  it.each(cases)("$what → $kind $code", async ({ make, kind, code }) => {
    const error = await make();
    const failure = classifyFailure(error);
    expect({ kind: failure.kind, code: failure.code }).toEqual({ kind, code });
    expectPlain(failure);
    if (error instanceof Error && error.message && !(error instanceof StepFailure)) {
      expect(failure.message).not.toContain(error.message);
    }
  });

  it("classifies errors wrapped twice by the cause chain", async () => {
    const unique = await rejectionOf(
      database.db.user.create({ data: { email: "taken@example.com", passwordHash: "x", name: "Again" } }),
    );
    const wrappedUnique = new Error("creating the organization failed", {
      cause: new Error("step create_organization", { cause: unique }),
    });
    expect(classifyFailure(wrappedUnique)).toMatchObject({ kind: "permanent", code: "database_unique_violation" });

    const refused = await rejectionOf(fetch(`http://127.0.0.1:${await closedPort()}/tasks`));
    const wrappedRefused = new Error("research failed", { cause: new Error("startTask", { cause: refused }) });
    expect(classifyFailure(wrappedRefused)).toMatchObject({ kind: "transient", code: "service_unreachable" });

    const declined = await cardError("card_declined", "insufficient_funds");
    const wrappedDeclined = new Error("verify_payment", { cause: new Error("checkout", { cause: declined }) });
    expect(classifyFailure(wrappedDeclined)).toMatchObject({ kind: "permanent", code: "card_insufficient_funds" });
  });

  it("never tells the owner that a card was reported lost or stolen", async () => {
    for (const reason of ["lost_card", "stolen_card", "fraudulent", "pickup_card"]) {
      const failure = classifyFailure(await cardError("card_declined", reason));
      expect(failure).toEqual(classifyFailure(await cardError("card_declined", "generic_decline")));
      expect(`${failure.code} ${failure.message} ${failure.action}`).not.toMatch(/lost|stolen|fraud|pick/i);
    }
  });

  it("answers unknown failures with the plain unexpected message and a reference to quote", () => {
    expect(classifyFailure(new Error("boom"))).toEqual({
      kind: "permanent",
      code: "unexpected",
      message: "Something unexpected went wrong on our side.",
      action: "Press Retry. If it happens again, contact support with the reference shown.",
    });
  });

  it("returns a fresh object each time, so a caller cannot change the mapping", () => {
    const first = classifyFailure(new Error("boom"));
    first.message = "changed";
    expect(classifyFailure(new Error("boom")).message).toBe("Something unexpected went wrong on our side.");
  });

  it("keeps a StepFailure's failure and cause", () => {
    const cause = new Error("the detail for the log");
    const failure = permanentFailure("payment_not_started", "We couldn't find a payment.", "Start again.", cause);
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure.cause).toBe(cause);
    expect(failure.failure).toEqual({
      kind: "permanent",
      code: "payment_not_started",
      message: "We couldn't find a payment.",
      action: "Start again.",
    });
  });
});
