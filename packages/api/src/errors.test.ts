// What clients see when things go wrong in ways no procedure planned for.
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount } from "../test/accounts.ts";
import { captureLog, createTestApi } from "../test/api-client.ts";
import { type ProbeRouter, probeRouter } from "../test/probe-router.ts";
import { isSchemaMissingError, isUniqueViolation, SCHEMA_NOT_MIGRATED_MESSAGE, toUserFacingError } from "./errors.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<ProbeRouter>;
}

describe("an unexpected error", () => {
  it("reaches the client as a reference only, and the log with the detail under that reference", async () => {
    const captured = captureLog();
    const api = createTestApi({ router: probeRouter, db: database.db, log: captured.log });

    const first = await errorOf(api().probe.explode.query());
    const second = await errorOf(api().probe.explode.query());

    const reference = first.message.match(/^Something went wrong — reference ([0-9a-f]{8})$/)?.[1];
    expect(reference).toBeDefined();
    expect(second.message).not.toBe(first.message);
    expect(first.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", appCode: "INTERNAL", httpStatus: 500 });
    expect(first.data).not.toHaveProperty("stack");
    expect(JSON.stringify({ message: first.message, shape: first.shape })).not.toMatch(/secret|hunter2|db\.internal/);

    const logged = captured.entries.find((entry) => entry.reference === reference);
    expect(logged).toMatchObject({
      level: 50,
      path: "probe.explode",
      err: { message: expect.stringContaining("hunter2") },
    });
    expect(String((logged?.err as { stack?: unknown } | undefined)?.stack)).toContain("test/probe-router.ts");
  });

  it("keeps tRPC's own plain answers for calls that name no procedure", async () => {
    const api = createTestApi({ router: probeRouter, db: database.db });
    const client = api() as unknown as { probe: { nothingHere: { query(): Promise<unknown> } } };
    const error = await errorOf(client.probe.nothingHere.query());
    expect(error.data).toMatchObject({ code: "NOT_FOUND", appCode: "NOT_FOUND" });
  });
});

describe("a database that is missing migrations", () => {
  let stale: TestDatabase;
  beforeAll(async () => {
    stale = await createTestDatabase();
  });
  afterAll(() => stale?.drop());

  // Customers are told plainly; the operator's instructions go to the log and /healthz.
  const NOT_MIGRATED = SCHEMA_NOT_MIGRATED_MESSAGE;

  it("says so in plain words when a table is missing", async () => {
    const captured = captureLog();
    const api = createTestApi({ router: probeRouter, db: stale.db, log: captured.log });
    const account = await createTestAccount(stale.db, { email: "stale@example.com" });
    await stale.db.$executeRawUnsafe("DROP TABLE memberships");

    const error = await errorOf(api({ token: account.token }).auth.me.query());
    expect(error.message).toBe(NOT_MIGRATED);
    expect(error.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", appCode: "SCHEMA_NOT_MIGRATED" });
    expect(captured.entries.some((entry) => entry.path === "auth.me" && entry.level === 50)).toBe(true);
  });

  it("says so when a column is missing", async () => {
    const api = createTestApi({ router: probeRouter, db: stale.db });
    await stale.db.$executeRawUnsafe("ALTER TABLE users DROP COLUMN name");
    const error = await errorOf(api().auth.signIn.mutate({ email: "stale@example.com", password: "a-long-password" }));
    expect(error.message).toBe(NOT_MIGRATED);
    expect(error.data?.appCode).toBe("SCHEMA_NOT_MIGRATED");
  });

  it("says so even when the session table is missing and no context can be built", async () => {
    const captured = captureLog();
    const api = createTestApi({ router: probeRouter, db: stale.db, log: captured.log });
    await stale.db.$executeRawUnsafe("DROP TABLE auth_sessions");
    const error = await errorOf(api({ token: "any-token" }).auth.me.query());
    expect(error.message).toBe(NOT_MIGRATED);
    expect(error.data?.appCode).toBe("SCHEMA_NOT_MIGRATED");
    // Logged once, with the request id, even though no context was ever built.
    const logged = captured.entries.filter((entry) => entry.level === 50);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ path: "createContext", requestId: expect.any(String), err: { code: "P2021" } });
  });
});

describe("error classification", () => {
  const silent = { log: pino({ level: "silent" }) };

  it("recognises PostgreSQL's own missing-table and missing-column codes, however deeply wrapped", () => {
    expect(isSchemaMissingError({ code: "42P01" })).toBe(true);
    expect(isSchemaMissingError(new Error("wrapper", { cause: { code: "42703" } }))).toBe(true);
    expect(
      isSchemaMissingError({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "42P01" } } } }),
    ).toBe(true);
    expect(isSchemaMissingError({ code: "23505" })).toBe(false);
    expect(isSchemaMissingError(new Error("relation is fine"))).toBe(false);
  });

  it("recognises a unique violation from Prisma or PostgreSQL, and nothing else", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation(new Error("x", { cause: { code: "23505" } }))).toBe(true);
    expect(isUniqueViolation({ code: "P2025" })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it("turns a plain internal TRPCError into a reference too", () => {
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "pool exhausted at 10.0.0.3" });
    const facing = toUserFacingError(error, silent);
    expect(facing.appCode).toBe("INTERNAL");
    expect(facing.message).toMatch(/^Something went wrong — reference [0-9a-f]{8}$/);
  });
});
