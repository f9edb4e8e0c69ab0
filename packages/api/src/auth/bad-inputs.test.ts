// Every way a caller can get auth wrong, through the real HTTP path and error formatter: each
// case must fail with the right codes and a plain message, and must write nothing.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, createTestOrganization, type TestAccount } from "../../test/accounts.ts";
import { createTestApi } from "../../test/api-client.ts";
import { type ProbeRouter, probeRouter } from "../../test/probe-router.ts";
import type { AppErrorCode } from "../errors.ts";
import { type AppEventBus, createAppEventBus } from "../live-events.ts";

let database: TestDatabase;
let events: AppEventBus;
let api: ReturnType<typeof createTestApi<ProbeRouter>>;
const accounts = {} as Record<
  "customer" | "mechanicWithoutProfile" | "expired" | "signedOut" | "existing" | "orgMember",
  TestAccount
>;
let organizationId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  api = createTestApi({ router: probeRouter, db: database.db, events });
  const { db } = database;
  accounts.customer = await createTestAccount(db, { email: "customer@example.com" });
  accounts.mechanicWithoutProfile = await createTestAccount(db, { email: "noprofile@example.com", role: "mechanic" });
  accounts.expired = await createTestAccount(db, { email: "expired@example.com" });
  await db.authSession.update({
    where: { id: accounts.expired.sessionId },
    data: { expiresAt: new Date(Date.now() - 1) },
  });
  accounts.signedOut = await createTestAccount(db, { email: "signedout@example.com" });
  await api({ token: accounts.signedOut.token }).auth.signOut.mutate();
  accounts.existing = await createTestAccount(db, { email: "existing@example.com", password: "the-right-password" });
  accounts.orgMember = await createTestAccount(db, { email: "member@example.com" });
  organizationId = (await createTestOrganization(db, "members-only", [{ userId: accounts.orgMember.id }])).id;
});
afterAll(async () => {
  await events?.stop();
  await database?.drop();
});

type Client = ReturnType<typeof api>;
type Who = keyof typeof accounts | null;

interface BadCall {
  name: string;
  as?: Who;
  /** Raw Authorization header instead of a token. */
  authorization?: string;
  call: (client: Client) => Promise<unknown>;
  code: string;
  appCode: AppErrorCode;
  message: string | RegExp;
  fieldErrors?: Record<string, string[]>;
}

const valid = { email: "new.person@example.com", password: "a-long-password", name: "New Person" };
// Inputs deliberately outside the declared types reach the server as a buggy client would send them.
const loosely = (input: unknown) => input as never;
const INVALID_CREDENTIALS = "That email and password don't match an account.";
const SIGN_IN_FIRST = "Please sign in to continue.";

const cases: BadCall[] = [
  {
    name: "sign-up with a malformed email",
    call: (c) => c.auth.signUp.mutate({ ...valid, email: "not-an-email" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check email: Enter a valid email address.",
    fieldErrors: { email: ["Enter a valid email address."] },
  },
  {
    name: "sign-up with a space inside the email",
    call: (c) => c.auth.signUp.mutate({ ...valid, email: "new person@example.com" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check email: Enter a valid email address.",
    fieldErrors: { email: ["Enter a valid email address."] },
  },
  {
    name: "sign-up with an extra-long email",
    call: (c) => c.auth.signUp.mutate({ ...valid, email: `${"a".repeat(300)}@example.com` }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check email: Use at most 254 characters.",
    fieldErrors: { email: ["Use at most 254 characters."] },
  },
  {
    name: "sign-up with a 9-character password",
    call: (c) => c.auth.signUp.mutate({ ...valid, password: "123456789" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check password: Use at least 10 characters for your password.",
    fieldErrors: { password: ["Use at least 10 characters for your password."] },
  },
  {
    name: "sign-up with a 201-character password",
    call: (c) => c.auth.signUp.mutate({ ...valid, password: "p".repeat(201) }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check password: Use at most 200 characters.",
    fieldErrors: { password: ["Use at most 200 characters."] },
  },
  {
    name: "sign-up without a name",
    call: (c) => c.auth.signUp.mutate(loosely({ email: valid.email, password: valid.password })),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check name: This field is required.",
    fieldErrors: { name: ["This field is required."] },
  },
  {
    name: "sign-up with a blank name",
    call: (c) => c.auth.signUp.mutate({ ...valid, name: "   " }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check name: Enter your name.",
    fieldErrors: { name: ["Enter your name."] },
  },
  {
    name: "sign-up with an extra-long name",
    call: (c) => c.auth.signUp.mutate({ ...valid, name: "n".repeat(101) }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check name: Use at most 100 characters.",
    fieldErrors: { name: ["Use at most 100 characters."] },
  },
  ...(
    [
      ["a NUL byte", "Ada\u0000Lovelace"],
      ["a lone surrogate", "Ada \ud800"],
      ["a control character", "Ada\u001bLovelace"],
      ["a line break", "Ada\nLovelace"],
    ] as const
  ).map(
    ([what, name]): BadCall => ({
      name: `sign-up with ${what} in the name`,
      call: (c) => c.auth.signUp.mutate({ ...valid, name }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      message: "Please check name: Remove the hidden or unsupported characters from this text.",
      fieldErrors: { name: ["Remove the hidden or unsupported characters from this text."] },
    }),
  ),
  {
    name: "sign-up with a number for the email",
    call: (c) => c.auth.signUp.mutate(loosely({ ...valid, email: 42 })),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check email: This should be a string.",
    fieldErrors: { email: ["This should be a string."] },
  },
  {
    name: "sign-up with a list for the password",
    call: (c) => c.auth.signUp.mutate(loosely({ ...valid, password: ["a-long-password"] })),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check password: This should be a string.",
    fieldErrors: { password: ["This should be a string."] },
  },
  {
    name: "sign-up trying to choose its own role",
    call: (c) => c.auth.signUp.mutate(loosely({ ...valid, role: "admin" })),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Unexpected field: role.",
    fieldErrors: { "": ["Unexpected field: role."] },
  },
  {
    name: "sign-up with no input at all",
    call: (c) => c.auth.signUp.mutate(loosely(undefined)),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Some required details are missing.",
    fieldErrors: { "": ["Some required details are missing."] },
  },
  {
    name: "sign-up with everything wrong at once",
    call: (c) => c.auth.signUp.mutate({ email: "nope", password: "short", name: "" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check these fields: email, password, name.",
    fieldErrors: {
      email: ["Enter a valid email address."],
      password: ["Use at least 10 characters for your password."],
      name: ["Enter your name."],
    },
  },
  {
    name: "sign-up with an email that already has an account (other casing)",
    call: (c) => c.auth.signUp.mutate({ ...valid, email: " Existing@Example.com" }),
    code: "CONFLICT",
    appCode: "EMAIL_TAKEN",
    message: "An account with that email already exists.",
  },
  {
    name: "sign-in with the wrong password",
    call: (c) => c.auth.signIn.mutate({ email: "existing@example.com", password: "the-wrong-password" }),
    code: "UNAUTHORIZED",
    appCode: "INVALID_CREDENTIALS",
    message: INVALID_CREDENTIALS,
  },
  {
    name: "sign-in with an email that has no account",
    call: (c) => c.auth.signIn.mutate({ email: "nobody@example.com", password: "the-right-password" }),
    code: "UNAUTHORIZED",
    appCode: "INVALID_CREDENTIALS",
    message: INVALID_CREDENTIALS,
  },
  {
    name: "sign-in with an empty password",
    call: (c) => c.auth.signIn.mutate({ email: "existing@example.com", password: "" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check password: Enter your password.",
    fieldErrors: { password: ["Enter your password."] },
  },
  {
    name: "sign-in with a malformed email",
    call: (c) => c.auth.signIn.mutate({ email: "existing-at-example.com", password: "the-right-password" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check email: Enter a valid email address.",
    fieldErrors: { email: ["Enter a valid email address."] },
  },
  {
    name: "me without a token",
    call: (c) => c.auth.me.query(),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "me with a token nobody issued",
    authorization: "Bearer dGhpcyBpcyBub3QgYSByZWFsIHNlc3Npb24gdG9rZW4",
    call: (c) => c.auth.me.query(),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "me with a non-Bearer Authorization header",
    authorization: "Basic Y3VzdG9tZXJAZXhhbXBsZS5jb206YS1sb25nLXBhc3N3b3Jk",
    call: (c) => c.auth.me.query(),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "me with an expired session",
    as: "expired",
    call: (c) => c.auth.me.query(),
    code: "UNAUTHORIZED",
    appCode: "SESSION_EXPIRED",
    message: "Your session has expired. Please sign in again.",
  },
  {
    name: "me with a signed-out token",
    as: "signedOut",
    call: (c) => c.auth.me.query(),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "sign-out without a token",
    call: (c) => c.auth.signOut.mutate(),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "a customer calling a mechanic procedure",
    as: "customer",
    call: (c) => c.probe.mechanicOnly.query(),
    code: "FORBIDDEN",
    appCode: "FORBIDDEN_ROLE",
    message: "Only mechanics can do this.",
  },
  {
    name: "a mechanic-role user without a mechanic profile calling a mechanic procedure",
    as: "mechanicWithoutProfile",
    call: (c) => c.probe.mechanicOnly.query(),
    code: "FORBIDDEN",
    appCode: "FORBIDDEN_ROLE",
    message: "Only mechanics can do this.",
  },
  {
    name: "a customer calling an admin procedure",
    as: "customer",
    call: (c) => c.probe.adminOnly.query(),
    code: "FORBIDDEN",
    appCode: "FORBIDDEN_ROLE",
    message: "Only administrators can do this.",
  },
  {
    name: "a non-member calling an organization procedure for a real organization",
    as: "customer",
    call: (c) => c.probe.orgOnly.query({ organizationId }),
    code: "NOT_FOUND",
    appCode: "NOT_FOUND",
    message: "We couldn't find that organization.",
  },
  {
    name: "a caller naming an organization that does not exist",
    as: "customer",
    call: (c) => c.probe.orgOnly.query({ organizationId: randomUUID() }),
    code: "NOT_FOUND",
    appCode: "NOT_FOUND",
    message: "We couldn't find that organization.",
  },
  {
    name: "an organization procedure with a malformed organization id",
    as: "orgMember",
    call: (c) => c.probe.orgOnly.query({ organizationId: "members-only" }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check organization ID: This id is not valid.",
    fieldErrors: { organizationId: ["This id is not valid."] },
  },
  {
    name: "an organization procedure without a token",
    call: (c) => c.probe.orgOnly.query({ organizationId }),
    code: "UNAUTHORIZED",
    appCode: "UNAUTHENTICATED",
    message: SIGN_IN_FIRST,
  },
  {
    name: "a member sending a bad value in the procedure's own field",
    as: "orgMember",
    call: (c) => c.probe.orgOnly.query({ organizationId, note: "x".repeat(21) }),
    code: "BAD_REQUEST",
    appCode: "VALIDATION_FAILED",
    message: "Please check note: Use at most 20 characters.",
    fieldErrors: { note: ["Use at most 20 characters."] },
  },
];

async function rowCounts() {
  const { db } = database;
  const [users, sessions, memberships, mechanics] = await Promise.all([
    db.user.count(),
    db.authSession.count(),
    db.membership.count(),
    db.mechanic.count(),
  ]);
  return { users, sessions, memberships, mechanics };
}

describe("bad calls", () => {
  it("cover at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("$name", async (bad) => {
    const before = await rowCounts();
    const client = api(
      bad.authorization ? { authorization: bad.authorization } : bad.as ? { token: accounts[bad.as].token } : null,
    );
    const error = await bad.call(client).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(TRPCClientError);
    const { data, message } = error as TRPCClientError<ProbeRouter>;
    expect(data?.code).toBe(bad.code);
    expect(data?.appCode).toBe(bad.appCode);
    if (typeof bad.message === "string") expect(message).toBe(bad.message);
    else expect(message).toMatch(bad.message);
    // Plain language: no type names, internals or code words a person would not understand.
    expect(message).not.toMatch(/\b(undefined|null|received|expected|zod|prisma|trpc|exception|stack)\b|[{}<>]/i);
    expect(data).not.toHaveProperty("stack");
    if (bad.fieldErrors) expect(data?.fieldErrors).toEqual(bad.fieldErrors);
    else expect(data).not.toHaveProperty("fieldErrors");

    expect(await rowCounts()).toEqual(before);
  });

  it("answer a wrong password and an unknown email identically", () => {
    const wrongPassword = cases.find((c) => c.name === "sign-in with the wrong password");
    const unknownEmail = cases.find((c) => c.name === "sign-in with an email that has no account");
    expect(wrongPassword?.message).toBe(unknownEmail?.message);
    expect(wrongPassword?.appCode).toBe(unknownEmail?.appCode);
  });
});

describe("the same guards let the right people through", () => {
  it("a member reaches their organization's procedure", async () => {
    const membership = await database.db.membership.findFirstOrThrow({ where: { userId: accounts.orgMember.id } });
    await expect(api({ token: accounts.orgMember.token }).probe.orgOnly.query({ organizationId })).resolves.toEqual({
      membershipId: membership.id,
    });
  });

  it("a mechanic with a profile reaches the mechanic procedure", async () => {
    const mechanic = await createTestAccount(database.db, {
      email: "realmech@example.com",
      role: "mechanic",
      mechanicProfile: true,
    });
    const profile = await database.db.mechanic.findUniqueOrThrow({ where: { userId: mechanic.id } });
    await expect(api({ token: mechanic.token }).probe.mechanicOnly.query()).resolves.toEqual({
      mechanicId: profile.id,
    });
  });

  it("an admin reaches the admin procedure", async () => {
    const admin = await createTestAccount(database.db, { email: "admin@example.com", role: "admin" });
    await expect(api({ token: admin.token }).probe.adminOnly.query()).resolves.toEqual({ adminId: admin.id });
  });
});
