import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestAccount, createTestOrganization } from "../../test/accounts.ts";
import { createTestApi } from "../../test/api-client.ts";
import { type AppEventBus, createAppEventBus } from "../live-events.ts";
import { appRouter } from "../root.ts";
import { hashSecretToken } from "../secret-tokens.ts";
import { verifyPassword } from "./password.ts";
import { resolveSession } from "./service.ts";

// Observed, not replaced: the real scrypt check still runs.
vi.mock("./password.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("./password.ts")>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

let database: TestDatabase;
let events: AppEventBus;
let api: ReturnType<typeof createTestApi<typeof appRouter>>;

beforeAll(async () => {
  database = await createTestDatabase();
  // Sign-out tells every instance's open sockets through the bus (auth/revocation.ts).
  events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  api = createTestApi({ router: appRouter, db: database.db, events });
});
afterAll(async () => {
  await events?.stop();
  await database?.drop();
});

const DAY_MS = 24 * 60 * 60 * 1000;

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<typeof appRouter>;
}

describe("sign-up, me, sign-out", () => {
  it("signs up a customer, knows them by token, and forgets the token after sign-out", async () => {
    const before = Date.now();
    const signedUp = await api().auth.signUp.mutate({
      email: "  Ada.Lovelace@Example.COM ",
      password: "analytical-engine",
      name: " Ada ",
    });
    expect(signedUp.user).toMatchObject({ email: "ada.lovelace@example.com", name: "Ada", role: "customer" });
    expect(signedUp.user).not.toHaveProperty("passwordHash");
    expect(signedUp.expiresAt).toBeInstanceOf(Date);
    expect(signedUp.expiresAt.getTime() - before).toBeGreaterThanOrEqual(30 * DAY_MS - 1000);
    expect(signedUp.expiresAt.getTime() - before).toBeLessThanOrEqual(30 * DAY_MS + 60_000);

    const stored = await database.db.authSession.findMany({ where: { userId: signedUp.user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashSecretToken(signedUp.token));
    expect(stored[0]?.tokenHash).not.toBe(signedUp.token);
    const user = await database.db.user.findUniqueOrThrow({ where: { id: signedUp.user.id } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);

    const me = await api({ token: signedUp.token }).auth.me.query();
    expect(me).toEqual({ user: signedUp.user, memberships: [], mechanicId: null });

    await expect(api({ token: signedUp.token }).auth.signOut.mutate()).resolves.toEqual({ signedOut: true });
    expect(await database.db.authSession.count({ where: { userId: signedUp.user.id } })).toBe(0);

    const after = await errorOf(api({ token: signedUp.token }).auth.me.query());
    expect(after.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "UNAUTHENTICATED" });
  });

  it("signs in with any casing of the email, opening a second independent session", async () => {
    const account = await createTestAccount(database.db, { email: "grace@example.com" });
    const signedIn = await api().auth.signIn.mutate({ email: "GRACE@example.com ", password: account.password });
    expect(signedIn.user).toEqual({ id: account.id, email: "grace@example.com", name: "grace", role: "customer" });
    expect(signedIn.token).not.toBe(account.token);
    expect(await database.db.authSession.count({ where: { userId: account.id } })).toBe(2);

    await api({ token: signedIn.token }).auth.signOut.mutate();
    // Signing out ends only the session it was called with.
    expect((await api({ token: account.token }).auth.me.query()).user.id).toBe(account.id);
  });

  it("reports memberships and the mechanic profile in me", async () => {
    const mechanic = await createTestAccount(database.db, {
      email: "mech@example.com",
      role: "mechanic",
      mechanicProfile: true,
    });
    const first = await createTestOrganization(database.db, "first-garage", [{ userId: mechanic.id }]);
    const second = await createTestOrganization(database.db, "second-garage", [{ userId: mechanic.id }]);
    await createTestOrganization(database.db, "not-theirs", []);
    const profile = await database.db.mechanic.findUniqueOrThrow({ where: { userId: mechanic.id } });

    const me = await api({ token: mechanic.token }).auth.me.query();
    expect(me.mechanicId).toBe(profile.id);
    expect(me.memberships).toEqual([
      { organizationId: first.id, organizationName: "Org first-garage", role: "member" },
      { organizationId: second.id, organizationName: "Org second-garage", role: "member" },
    ]);
  });

  it("gives exactly one of several simultaneous sign-ups for one email the account", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        api().auth.signUp.mutate({ email: "race@example.com", password: "a-long-password", name: `Racer ${i}` }),
      ),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    const lost = attempts.flatMap((a) =>
      a.status === "rejected" ? [a.reason as TRPCClientError<typeof appRouter>] : [],
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(4);
    for (const error of lost) {
      expect(error.data).toMatchObject({ code: "CONFLICT", appCode: "EMAIL_TAKEN" });
      expect(error.message).toBe("An account with that email already exists.");
    }
    expect(await database.db.user.count({ where: { email: "race@example.com" } })).toBe(1);
    const winner = await database.db.user.findUniqueOrThrow({ where: { email: "race@example.com" } });
    expect(await database.db.authSession.count({ where: { userId: winner.id } })).toBe(1);
  });
});

describe("sign-in timing", () => {
  it("runs the password check even when no account has the email, so timing reveals nothing", async () => {
    vi.mocked(verifyPassword).mockClear();
    await expect(
      api().auth.signIn.mutate({ email: "no-such-person@example.com", password: "a-long-password" }),
    ).rejects.toThrow("That email and password don't match an account.");
    expect(verifyPassword).toHaveBeenCalledTimes(1);
    const [password, stored] = vi.mocked(verifyPassword).mock.calls[0] ?? [];
    expect(password).toBe("a-long-password");
    expect(stored).toMatch(/^scrypt\$\d+\$\d+\$\d+\$/);
  });
});

describe("sessions", () => {
  it("last the configured number of days", async () => {
    const shortLived = createTestApi({ router: appRouter, db: database.db, sessionTtlDays: 1 });
    const before = Date.now();
    const { expiresAt } = await shortLived().auth.signUp.mutate({
      email: "brief@example.com",
      password: "a-long-password",
      name: "Brief",
    });
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(DAY_MS - 1000);
    expect(expiresAt.getTime() - before).toBeLessThanOrEqual(DAY_MS + 60_000);
  });

  it("stop working once expired, and say so", async () => {
    const account = await createTestAccount(database.db, { email: "expiring@example.com" });
    await expect(api({ token: account.token }).auth.me.query()).resolves.toMatchObject({ user: { id: account.id } });
    await database.db.authSession.update({
      where: { id: account.sessionId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const error = await errorOf(api({ token: account.token }).auth.me.query());
    expect(error.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "SESSION_EXPIRED" });
    expect(error.message).toBe("Your session has expired. Please sign in again.");
  });

  it("record when they were last used, at most once a minute", async () => {
    const account = await createTestAccount(database.db, { email: "lastused@example.com" });
    const { lastUsedAt: created } = await database.db.authSession.findUniqueOrThrow({
      where: { id: account.sessionId },
    });
    const lastUsed = async () =>
      (await database.db.authSession.findUniqueOrThrow({ where: { id: account.sessionId } })).lastUsedAt.getTime();

    await resolveSession(database.db, account.token, new Date(created.getTime() + 30_000));
    expect(await lastUsed()).toBe(created.getTime());

    const twoMinutesLater = new Date(created.getTime() + 120_000);
    await expect(resolveSession(database.db, account.token, twoMinutesLater)).resolves.toMatchObject({
      status: "valid",
    });
    expect(await lastUsed()).toBe(twoMinutesLater.getTime());
  });

  it("are resolved as unknown or expired without touching the row", async () => {
    const account = await createTestAccount(database.db, { email: "resolve@example.com" });
    const row = await database.db.authSession.findUniqueOrThrow({ where: { id: account.sessionId } });
    await expect(resolveSession(database.db, "not-a-real-token")).resolves.toEqual({ status: "unknown" });
    const afterExpiry = new Date(row.expiresAt.getTime() + 1);
    await expect(resolveSession(database.db, account.token, afterExpiry)).resolves.toEqual({ status: "expired" });
    const unchanged = await database.db.authSession.findUniqueOrThrow({ where: { id: account.sessionId } });
    expect(unchanged.lastUsedAt).toEqual(row.lastUsedAt);
  });
});
