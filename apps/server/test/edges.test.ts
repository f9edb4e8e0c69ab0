// The edges strangers touch, against the real server: throttled sign-in shared by instances,
// bounded bodies, batches and WebSocket messages, security headers, revocation of open sockets,
// bounded database waits and honest health.
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type AppEventBus,
  type AppRouter,
  CLOSE_ACCESS_CHANGED,
  CLOSE_SIGNED_OUT,
  createAppEventBus,
  createThrottlePool,
  Throttle,
  type ThrottleOptions,
} from "@switchboard/api";
import { createDatabase, type Database } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from "@trpc/client";
import pg from "pg";
import pino from "pino";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { liveDirectFrames } from "../src/env.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { httpClient } from "./clients.ts";

const smallLimits: ThrottleOptions = {
  limits: {
    signInAccountClient: { points: 3, seconds: 600 },
    signInAccountClientLong: { points: 6, seconds: 3600 },
    signInAccount: { points: 5, seconds: 3600 },
    // Every test client is 127.0.0.1; the per-network limit has its own test below.
    signInClient: { points: 1000, seconds: 600 },
    signUpClient: { points: 1000, seconds: 600 },
  },
};

/** One server instance: its own event bus (LISTEN connection), pools and throttle. */
interface Instance {
  server: RunningServer;
  events: AppEventBus;
  db: Database;
  throttlePool: pg.Pool;
  close(): Promise<void>;
}

let database: TestDatabase;
let dashboardDist: string;
const instances: Instance[] = [];

async function startInstance(options: { poolSize?: number; lockTimeoutMs?: number } = {}): Promise<Instance> {
  const events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  const db = createDatabase(database.url, { poolSize: options.poolSize ?? 10, lockTimeoutMs: options.lockTimeoutMs });
  const throttlePool = createThrottlePool(database.url);
  const server = await startServer(
    {
      services: { db, events, log: pino({ level: "silent" }), throttle: new Throttle(throttlePool, smallLimits) },
      databaseUrl: database.url,
      dashboardDist,
      directFrames: liveDirectFrames(process.env),
    },
    { port: 0, host: "127.0.0.1" },
  );
  const instance = {
    server,
    events,
    db,
    throttlePool,
    async close() {
      try {
        await server.close();
        await events.stop();
      } finally {
        await throttlePool.end();
        await db.$disconnect();
      }
    },
  };
  instances.push(instance);
  return instance;
}

let a: Instance;
let b: Instance;

beforeAll(async () => {
  database = await createTestDatabase();
  dashboardDist = await mkdtemp(path.join(os.tmpdir(), "sb-edges-dist-"));
  await writeFile(path.join(dashboardDist, "index.html"), "<!doctype html><title>Switchboard</title>");
  a = await startInstance();
  b = await startInstance();
});

afterAll(async () => {
  for (const instance of instances) await instance.close();
  await database?.drop();
});

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

let accountNumber = 0;
async function signUp(url: string) {
  accountNumber += 1;
  const email = `edge-${accountNumber}-${Date.now()}@example.com`;
  const password = "the-right-password";
  const signedUp = await httpClient(url).auth.signUp.mutate({ email, password, name: `Edge ${accountNumber}` });
  return { ...signedUp, email, password };
}

/** A WebSocket client that records how its socket was closed, and does not reconnect. */
function watchedSocket(url: string, token: string) {
  const closes: number[] = [];
  const socket = createWSClient({
    url: `${url.replace("http", "ws")}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
    retryDelayMs: () => 60_000,
    onClose: (cause) => closes.push(cause?.code ?? 0),
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket, transformer: superjson })] });
  return { socket, client, closes };
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, limitMs = 10_000) {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("sign-in throttling (shared by every instance, in PostgreSQL)", () => {
  it("stops guessing after the limit with 429 and Retry-After, counting attempts spread over two instances", async () => {
    const owner = await signUp(a.server.url);
    const guess = (url: string) => httpClient(url).auth.signIn.mutate({ email: owner.email, password: "wrong-guess" });
    expect((await errorOf(guess(a.server.url))).data?.appCode).toBe("INVALID_CREDENTIALS");
    expect((await errorOf(guess(b.server.url))).data?.appCode).toBe("INVALID_CREDENTIALS");
    expect((await errorOf(guess(a.server.url))).data?.appCode).toBe("INVALID_CREDENTIALS");
    const refused = await errorOf(guess(b.server.url));
    expect(refused.data).toMatchObject({ appCode: "RATE_LIMITED", httpStatus: 429 });
    expect(refused.message).toMatch(/Too many sign-in attempts for this account\. Please wait \d+ minutes/);
    // Even the right password waits now: the window is what bounds guessing.
    const right = await fetch(`${a.server.url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: owner.email, password: owner.password } }),
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts parallel guesses one by one: exactly the limit reach the password check", async () => {
    const owner = await signUp(a.server.url);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        errorOf(
          httpClient(i % 2 ? a.server.url : b.server.url).auth.signIn.mutate({
            email: owner.email,
            password: `guess-${i}`,
          }),
        ).then((error) => error.data?.appCode),
      ),
    );
    expect(outcomes.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(3);
    expect(outcomes.filter((code) => code === "RATE_LIMITED")).toHaveLength(27);
  });

  it("forgets the owner's own typos once they sign in", async () => {
    const owner = await signUp(a.server.url);
    const api = httpClient(a.server.url).auth;
    for (let i = 0; i < 2; i++) await errorOf(api.signIn.mutate({ email: owner.email, password: "typo-typo" }));
    await api.signIn.mutate({ email: owner.email, password: owner.password });
    for (let i = 0; i < 2; i++) await errorOf(api.signIn.mutate({ email: owner.email, password: "typo-typo" }));
    await expect(api.signIn.mutate({ email: owner.email, password: owner.password })).resolves.toMatchObject({
      user: { email: owner.email },
    });
  });

  it("keeps a client that signed in before out of the account-wide lockout another network caused", async () => {
    const owner = await signUp(a.server.url);
    const throttle = new Throttle(a.throttlePool, smallLimits);
    // The owner signed in from home before.
    await (await throttle.signInAttempt(owner.email, "client:home")).succeeded();
    // Attackers on many networks use up the rest of the account's budget (5, one used at home) …
    for (let i = 0; i < 4; i++) await throttle.signInAttempt(owner.email, `client:attacker-${i}`);
    await expect(throttle.signInAttempt(owner.email, "client:attacker-new")).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    // … and the owner at home can still sign in.
    await expect(throttle.signInAttempt(owner.email, "client:home")).resolves.toBeDefined();
  });

  it("limits one network trying many accounts", async () => {
    const throttle = new Throttle(a.throttlePool, { limits: { signInClient: { points: 3, seconds: 600 } } });
    for (let i = 0; i < 3; i++) await throttle.signInAttempt(`victim-${i}-${Date.now()}@example.com`, "client:stuffer");
    await expect(throttle.signInAttempt("one-more@example.com", "client:stuffer")).rejects.toMatchObject({
      message: expect.stringContaining("from your network"),
    });
    await expect(throttle.signInAttempt("one-more@example.com", "client:someone-else")).resolves.toBeDefined();
  });

  it("refuses a batch that carries sign-in, and batches over the maximum size", async () => {
    const batchedSignIn = await fetch(`${a.server.url}/trpc/auth.signIn,auth.signIn?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ 0: { json: { email: "x@example.com", password: "p" } }, 1: { json: {} } }),
    });
    expect(batchedSignIn.status).toBe(400);
    expect(await batchedSignIn.text()).toContain("must be sent on their own");

    const paths = Array.from({ length: 21 }, () => "auth.me").join(",");
    const tooMany = await fetch(`${a.server.url}/trpc/${paths}?batch=1&input={}`);
    expect(tooMany.status).toBe(400);
  });
});

describe("sign-in over a WebSocket", () => {
  it("is refused, so one message cannot carry an array of password guesses", async () => {
    const owner = await signUp(a.server.url);
    const socket = new WebSocket(`${a.server.url.replace("http", "ws")}/trpc`);
    await new Promise((resolve) => socket.once("open", resolve));
    const replies: { id: number; error?: { json: { message: string; data: { appCode: string } } } }[] = [];
    socket.on("message", (data) => replies.push(JSON.parse(String(data))));
    const guess = (id: number) => ({
      id,
      method: "mutation",
      params: { path: "auth.signIn", input: { json: { email: owner.email, password: owner.password } } },
    });
    socket.send(JSON.stringify([guess(1), guess(2), guess(3)]));
    await eventually(() => replies.length === 3, "three answers");
    for (const reply of replies) {
      expect(reply.error?.json.data.appCode).toBe("VALIDATION_FAILED");
      expect(reply.error?.json.message).toBe("Sign in and sign up through the web page, not over a live connection.");
    }
    socket.close();
  });
});

describe("bounded input", () => {
  it("refuses a request body over 1 MB before parsing it", async () => {
    const body = JSON.stringify({ json: { email: "a@example.com", password: "x".repeat(2 * 1024 * 1024) } });
    const response = await fetch(`${a.server.url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(413);
  });

  it("closes a WebSocket that sends a message over 1 MB (1009), before tRPC parses it", async () => {
    const socket = new WebSocket(`${a.server.url.replace("http", "ws")}/trpc`);
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send("x".repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });
});

describe("security headers", () => {
  it("sends CSP, frame-ancestors, nosniff and Referrer-Policy on the dashboard, the API and health", async () => {
    for (const pathname of ["/", "/some/route", "/trpc/auth.me", "/healthz", "/webhooks/stripe"]) {
      const response = await fetch(`${a.server.url}${pathname}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, pathname).toContain("default-src 'self'");
      expect(csp, pathname).toContain("frame-ancestors 'none'");
      expect(csp, pathname).not.toContain("unsafe-inline");
      expect(response.headers.get("x-content-type-options"), pathname).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), pathname).toBe("DENY");
      expect(response.headers.get("referrer-policy"), pathname).toBe("no-referrer");
    }
  });
});

describe("revocation reaches open sockets on every instance", () => {
  it("closes a signed-out session's socket on the other instance, and it cannot subscribe again", async () => {
    const person = await signUp(a.server.url);
    const { socket, client, closes } = watchedSocket(b.server.url, person.token);
    const onMine = client.coaching.onUpdates.subscribe({ lastEventId: null }, { onData: () => {}, onError: () => {} });
    await eventually(() => socket.connection?.state === "open", "socket open");

    await httpClient(a.server.url, person.token).auth.signOut.mutate();
    await eventually(() => closes.includes(CLOSE_SIGNED_OUT), "the signed-out socket closed with 4001");
    onMine.unsubscribe();
    await socket.close();

    // Reconnecting with the revoked token signs no one in.
    const again = watchedSocket(b.server.url, person.token);
    const refused = new Promise<unknown>((resolve) =>
      again.client.coaching.onUpdates.subscribe({ lastEventId: null }, { onError: resolve }),
    );
    expect(await refused).toMatchObject({ data: { appCode: "UNAUTHENTICATED" } });
    await again.socket.close();
  });

  it("stops a signed-out participant's open service-session events at once (the other side's next message never reaches it)", async () => {
    const customer = await signUp(a.server.url);
    const mechanicAccount = await signUp(a.server.url);
    await a.db.user.update({
      where: { id: mechanicAccount.user.id },
      data: { role: "mechanic", mechanic: { create: { displayName: "Edge Mechanic" } } },
    });
    const { requestId, sessionId } = await httpClient(a.server.url, customer.token).requests.submit.mutate({
      vehicle: { make: "Honda", model: "Civic", year: 2017 },
      concern: "Squeal from the front left wheel",
      urgency: "normal",
      sessionType: "chat",
      plan: "basic",
    });
    const mechanic = httpClient(a.server.url, mechanicAccount.token);
    await mechanic.requests.accept.mutate({ requestId });
    await mechanic.sessions.join.mutate({ sessionId });

    const { lastEventId } = await httpClient(b.server.url, customer.token).sessions.get.query({ sessionId });
    const { socket, client, closes } = watchedSocket(b.server.url, customer.token);
    const bodies: string[] = [];
    const live = client.sessions.onEvents.subscribe(
      { sessionId, lastEventId },
      {
        onData: ({ data }) => {
          if (data.type === "event" && data.payload.kind === "message") bodies.push(data.payload.message.body);
        },
        onError: () => {},
      },
    );
    await mechanic.sessions.send.mutate({ sessionId, clientKey: "before", body: "Before you sign out" });
    await eventually(() => bodies.includes("Before you sign out"), "the customer received the first message");

    await httpClient(a.server.url, customer.token).auth.signOut.mutate();
    await eventually(() => closes.includes(CLOSE_SIGNED_OUT), "the signed-out socket closed with 4001");
    await mechanic.sessions.send.mutate({ sessionId, clientKey: "after", body: "After you signed out" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bodies).toEqual(["Before you sign out"]);
    live.unsubscribe();
    await socket.close();
  });

  it("leaves the person's other sessions open when one signs out", async () => {
    const person = await signUp(a.server.url);
    const second = await httpClient(a.server.url).auth.signIn.mutate({
      email: person.email,
      password: person.password,
    });
    const stays = watchedSocket(a.server.url, second.token);
    const goes = watchedSocket(a.server.url, person.token);
    for (const { client } of [stays, goes]) {
      client.coaching.onUpdates.subscribe({ lastEventId: null }, { onData: () => {}, onError: () => {} });
    }
    await eventually(
      () => stays.socket.connection?.state === "open" && goes.socket.connection?.state === "open",
      "both open",
    );
    await httpClient(b.server.url, person.token).auth.signOut.mutate();
    await eventually(() => goes.closes.includes(CLOSE_SIGNED_OUT), "the signed-out session's socket closed");
    // The other session's socket is still live: it answers a new subscription.
    const answered = new Promise<string>((resolve) =>
      stays.client.coaching.onUpdates.subscribe({ lastEventId: null }, { onStarted: () => resolve("started") }),
    );
    expect(await answered).toBe("started");
    expect(stays.closes).toEqual([]);
    await stays.socket.close();
    await goes.socket.close();
  });

  it("closes a removed member's sockets at once, so the roster and agent activity they followed refuse them", async () => {
    const owner = await signUp(a.server.url);
    const member = await signUp(a.server.url);
    const { id: organizationId } = await a.db.organization.create({
      data: {
        name: "Edge Motors",
        slug: `edge-${Date.now()}`,
        memberships: {
          create: [
            { userId: owner.user.id, role: "owner" },
            { userId: member.user.id, role: "member" },
          ],
        },
      },
    });
    const watched = watchedSocket(b.server.url, member.token);
    watched.client.organizations.onRoster.subscribe(
      { organizationId, lastEventId: null },
      { onData: () => {}, onError: () => {} },
    );
    watched.client.agents.onActivity.subscribe(
      { organizationId, lastEventId: null },
      { onData: () => {}, onError: () => {} },
    );
    await eventually(() => watched.socket.connection?.state === "open", "member's socket open");

    await httpClient(a.server.url, owner.token).organizations.removeMember.mutate({
      organizationId,
      userId: member.user.id,
    });
    await eventually(
      () => watched.closes.includes(CLOSE_ACCESS_CHANGED),
      "the removed member's socket closed with 4003",
    );
    await watched.socket.close();

    const again = watchedSocket(b.server.url, member.token);
    const refused = new Promise<unknown>((resolve) =>
      again.client.organizations.onRoster.subscribe({ organizationId, lastEventId: null }, { onError: resolve }),
    );
    expect(await refused).toMatchObject({ data: { code: "NOT_FOUND" } });
    const activityRefused = new Promise<unknown>((resolve) =>
      again.client.agents.onActivity.subscribe({ organizationId, lastEventId: null }, { onError: resolve }),
    );
    expect(await activityRefused).toMatchObject({ data: { code: "NOT_FOUND" } });
    await again.socket.close();
  });
});

/** Holds an exclusive lock on `table` from another connection until the returned function runs. */
async function lockTable(table: string): Promise<() => Promise<void>> {
  const locker = new pg.Client({ connectionString: database.url });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await locker.query("ROLLBACK");
    await locker.end();
  };
}

describe("bounded waits and honest health", () => {
  const intake = {
    vehicle: { make: "Volvo", model: "V70", year: 2012 },
    concern: "A grinding noise when braking hard.",
    urgency: "normal" as const,
    sessionType: "chat" as const,
    plan: "basic" as const,
  };

  it("answers TRY_AGAIN within the lock timeout when a table is locked, and other procedures keep working", async () => {
    const small = await startInstance({ poolSize: 3, lockTimeoutMs: 300 });
    const customer = await signUp(small.server.url);
    const unlock = await lockTable("session_requests");
    try {
      const submits = Array.from({ length: 6 }, () =>
        errorOf(httpClient(small.server.url, customer.token).requests.submit.mutate(intake)),
      );
      // Unrelated procedures are answered while the intakes wait on the lock.
      await expect(httpClient(small.server.url, customer.token).auth.me.query()).resolves.toMatchObject({
        user: { id: customer.user.id },
      });
      for (const error of await Promise.all(submits)) {
        expect(error.data).toMatchObject({ appCode: "TRY_AGAIN", httpStatus: 503 });
        expect(error.message).toMatch(/busy right now\. Please try again/);
      }
    } finally {
      await unlock();
    }
    // Nothing was written by the refused intakes.
    expect(await small.db.sessionRequest.count({ where: { customerId: customer.user.id } })).toBe(0);
    await expect(httpClient(small.server.url, customer.token).requests.submit.mutate(intake)).resolves.toBeDefined();
  });

  it("says busy while callers wait for a connection, not unreachable", async () => {
    const small = await startInstance({ poolSize: 2, lockTimeoutMs: 5_000 });
    const customer = await signUp(small.server.url);
    const unlock = await lockTable("session_requests");
    const submits = Array.from({ length: 4 }, () =>
      httpClient(small.server.url, customer.token)
        .requests.submit.mutate(intake)
        .catch(() => null),
    );
    try {
      let body: Record<string, unknown> = {};
      await eventually(async () => {
        const response = await fetch(`${small.server.url}/healthz`);
        body = (await response.json()) as Record<string, unknown>;
        return response.status === 503 && body.status === "busy";
      }, "health says busy");
      expect(body).toMatchObject({ database: "busy", schema: "ok" });
    } finally {
      await unlock();
      await Promise.all(submits);
    }
  });

  it("names a dropped column in /healthz right after a procedure meets it, and tells the customer plainly", async () => {
    const scratch = await createTestDatabase();
    const events = createAppEventBus({ databaseUrl: scratch.url });
    await events.start();
    const server = await startServer(
      { services: { db: scratch.db, events, log: pino({ level: "silent" }) }, databaseUrl: scratch.url, dashboardDist },
      { port: 0, host: "127.0.0.1" },
    );
    try {
      const customer = await httpClient(server.url).auth.signUp.mutate({
        email: "drop@example.com",
        password: "the-right-password",
        name: "Drop",
      });
      await scratch.db.$executeRawUnsafe("ALTER TABLE session_requests DROP COLUMN metadata");
      const error = await errorOf(httpClient(server.url, customer.token).requests.submit.mutate(intake));
      expect(error.data).toMatchObject({ appCode: "SCHEMA_NOT_MIGRATED", httpStatus: 503 });
      expect(error.message).not.toMatch(/pnpm|migrat/i);
      let body: { status?: string; differences?: string[]; fix?: string } = {};
      await eventually(async () => {
        body = (await (await fetch(`${server.url}/healthz`)).json()) as typeof body;
        return body.status === "unavailable";
      }, "health reports the drift");
      expect(body.differences?.join("\n")).toContain("session_requests.metadata");
      expect(body.fix).toBeTruthy();
    } finally {
      await server.close();
      await events.stop();
      await scratch.drop();
    }
  });
});
