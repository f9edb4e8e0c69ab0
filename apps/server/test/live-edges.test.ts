// Live events at the edges, against the real server (tRPC's applyWSSHandler and its HTTP/SSE
// handler) over real sockets: refusals come before `started`, out-of-range event ids are plain
// BAD_REQUESTs, and a client that stops reading learns with a 4008 close that it fell behind.
import { randomUUID } from "node:crypto";
import {
  type AppEventBus,
  CLOSE_FELL_BEHIND,
  FELL_BEHIND_REASON,
  hashSecretToken,
  newSecretToken,
} from "@switchboard/api";
import type { TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningServer } from "../src/server.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

let database: TestDatabase;
let server: RunningServer;
let events: AppEventBus;

let harness: TestServer | null = null;
beforeAll(async () => {
  harness = await startTestServer();
  ({ database, events, server } = harness);
});

afterAll(() => harness?.close());

async function account(role: "customer" | "mechanic" = "customer") {
  const user = await database.db.user.create({
    data: {
      email: `${randomUUID()}@example.com`,
      name: "Edge Tester",
      role,
      passwordHash: "not-used-by-these-tests",
      ...(role === "mechanic" ? { mechanic: { create: { displayName: "Edge Mechanic" } } } : {}),
    },
  });
  const token = newSecretToken();
  await database.db.authSession.create({
    data: { userId: user.id, tokenHash: hashSecretToken(token), expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return { id: user.id, token };
}

interface Frame {
  id?: number;
  result?: { type: string; id?: string; data?: { json?: { id: string; data: { type: string; payload?: unknown } } } };
  error?: { json?: { message: string; data?: { code?: string; appCode?: string } } };
}

/** The tRPC WebSocket protocol spoken by hand, so the test sees every frame in order. */
async function rawClient(token: string | null) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/trpc?connectionParams=1`);
  const frames: Frame[] = [];
  const listeners = new Set<() => void>();
  socket.on("message", (data) => {
    const text = data.toString();
    if (text === "PING") return socket.send("PONG");
    frames.push(JSON.parse(text));
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ method: "connectionParams", data: token ? { token } : {} }));
  return {
    socket,
    frames,
    closed,
    subscribe(id: number, path: string, input: unknown) {
      socket.send(JSON.stringify({ id, method: "subscription", params: { path, input: { json: input } } }));
    },
    /** The frames for one request id, once one of them is an error or data (or `started` and more). */
    until(id: number, done: (mine: Frame[]) => boolean, timeoutMs = 5000) {
      return new Promise<Frame[]>((resolve, reject) => {
        const mine = () => frames.filter((frame) => frame.id === id);
        const check = () => {
          if (!done(mine())) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(mine());
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no answer for ${id}; got ${JSON.stringify(mine())}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

const answered = (mine: Frame[]) => mine.some((frame) => frame.error || frame.result?.type === "data");

describe("subscription refusals", () => {
  it("reach the client as an error with no `started` frame before it, for every kind of refusal", async () => {
    const customer = await account();
    const mechanic = await account("mechanic");
    const cases: { token: string | null; path: string; input: unknown; code: string }[] = [
      { token: customer.token, path: "requests.onStatus", input: { requestId: randomUUID() }, code: "FORBIDDEN" },
      { token: customer.token, path: "onboarding.progress", input: { sessionId: randomUUID() }, code: "FORBIDDEN" },
      { token: customer.token, path: "requests.onBoard", input: {}, code: "FORBIDDEN" },
      {
        token: customer.token,
        path: "sessions.onEvents",
        input: { sessionId: randomUUID(), lastEventId: null },
        code: "NOT_FOUND",
      },
      { token: customer.token, path: "sessions.onSignals", input: { sessionId: randomUUID() }, code: "NOT_FOUND" },
      {
        token: customer.token,
        path: "organizations.onRoster",
        input: { organizationId: randomUUID() },
        code: "NOT_FOUND",
      },
      { token: null, path: "coaching.onUpdates", input: {}, code: "UNAUTHORIZED" },
      {
        token: customer.token,
        path: "coaching.send",
        input: { conversationId: randomUUID(), content: "Hello" },
        code: "PRECONDITION_FAILED",
      },
      {
        token: null,
        path: "agents.sendMessage",
        input: { sessionId: "not-a-real-session-id", content: "Hello" },
        code: "PRECONDITION_FAILED",
      },
    ];
    for (const refusal of cases) {
      const client = await rawClient(refusal.token);
      try {
        client.subscribe(1, refusal.path, refusal.input);
        const mine = await client.until(1, answered);
        expect({ path: refusal.path, types: mine.map((frame) => frame.result?.type ?? "error") }).toEqual({
          path: refusal.path,
          types: ["error"],
        });
        expect(mine[0]!.error?.json?.data?.code, refusal.path).toBe(refusal.code);
      } finally {
        client.socket.close();
      }
    }
    // The same client shape does see `started` for a subscription that is allowed.
    const allowed = await rawClient(mechanic.token);
    try {
      allowed.subscribe(1, "requests.onBoard", {});
      const mine = await allowed.until(1, (frames) => frames.length > 0);
      expect(mine.map((frame) => frame.result?.type)).toEqual(["started"]);
    } finally {
      allowed.socket.close();
    }
  });
});

describe("event ids that do not fit PostgreSQL's bigint", () => {
  const overflowing = "99999999999999999999.1";
  const message = "This event id is not valid; reconnect without it.";

  async function resumable() {
    const mechanic = await account("mechanic");
    const member = await account();
    const organization = await database.db.organization.create({
      data: { name: "Edge org", slug: `edge-${randomUUID()}`, memberships: { create: [{ userId: member.id }] } },
    });
    return [
      { token: mechanic.token, path: "requests.onBoard", input: {} },
      { token: member.token, path: "requests.onStatus", input: { requestId: randomUUID() } },
      { token: member.token, path: "onboarding.progress", input: { sessionId: randomUUID() } },
      { token: member.token, path: "coaching.onUpdates", input: {} },
      { token: member.token, path: "organizations.onRoster", input: { organizationId: organization.id } },
      { token: member.token, path: "sessions.onEvents", input: { sessionId: randomUUID() } },
      { token: member.token, path: "sessions.onMine", input: {} },
    ];
  }

  it("are a BAD_REQUEST with the plain message over WebSocket, for every resumable subscription", async () => {
    for (const subscription of await resumable()) {
      const client = await rawClient(subscription.token);
      try {
        client.subscribe(1, subscription.path, { ...subscription.input, lastEventId: overflowing });
        const mine = await client.until(1, answered);
        expect(
          mine.map((frame) => frame.result?.type ?? "error"),
          subscription.path,
        ).toEqual(["error"]);
        expect(mine[0]!.error?.json?.data?.code, subscription.path).toBe("BAD_REQUEST");
        expect(mine[0]!.error?.json?.message, subscription.path).toContain(message);
      } finally {
        client.socket.close();
      }
    }
  });

  it("are a BAD_REQUEST with the plain message over HTTP (SSE), for every resumable subscription", async () => {
    for (const subscription of await resumable()) {
      const input = encodeURIComponent(JSON.stringify({ json: { ...subscription.input, lastEventId: overflowing } }));
      const response = await fetch(`${server.url}/trpc/${subscription.path}?input=${input}`, {
        headers: { authorization: `Bearer ${subscription.token}`, accept: "text/event-stream" },
        signal: AbortSignal.timeout(5000),
      });
      const body = await response.text();
      expect(body, subscription.path).not.toMatch(/INTERNAL_SERVER_ERROR/);
      expect(body, subscription.path).toMatch(/BAD_REQUEST/);
      expect(body, subscription.path).toContain(message);
    }
  });
});

describe("a client that stops reading", () => {
  it("is closed with 4008 and its reason ahead of the frames queued for it, then resumes and loses nothing", async () => {
    const mechanic = await account("mechanic");
    const client = await rawClient(mechanic.token);
    client.subscribe(1, "requests.onBoard", { lastEventId: events.headEventId() });
    await client.until(1, (mine) => mine.some((frame) => frame.result?.type === "started"));
    const concern = "The engine makes a knocking sound when it is cold. ".repeat(30);
    let published = 0;
    const publishRound = (count: number) =>
      database.db.$transaction(async (tx) => {
        for (let i = 0; i < count; i++) {
          published++;
          await events.publish(tx, "requests.board", "board", {
            kind: "created",
            card: {
              requestId: randomUUID(),
              createdAt: new Date().toISOString(),
              customerName: `Customer ${published}`,
              vehicle: { make: "Volvo", model: "V70", year: 2004 },
              concern,
              urgency: "normal",
              sessionType: "chat",
              plan: "basic",
              unattended: false,
            },
          });
        }
      });
    const eventsOf = () => client.frames.filter((frame) => frame.id === 1 && frame.result?.type === "data");
    await publishRound(1);
    await client.until(1, (mine) => mine.some((frame) => frame.result?.type === "data"));

    // It stops reading (it still sends, as a busy tab's keep-alive would), while events keep coming.
    client.socket.pause();
    const heartbeat = setInterval(() => client.socket.send("PONG"), 500);
    const endedBefore = events.stats.slowSubscribersEnded;
    const startedAt = Date.now();
    while (events.stats.slowSubscribersEnded === endedBefore && Date.now() - startedAt < 60_000) {
      await publishRound(25);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const publishedBeforeClose = published;
    clearInterval(heartbeat);
    expect(events.stats.slowSubscribersEnded).toBeGreaterThan(endedBefore);

    client.socket.resume();
    const closed = await Promise.race([
      client.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    expect(closed).toEqual({ code: CLOSE_FELL_BEHIND, reason: FELL_BEHIND_REASON });
    // The close overtook what was still queued for it: those frames were dropped, not sent first.
    const received = eventsOf();
    expect(publishedBeforeClose - received.length).toBeGreaterThan(500);

    // It reconnects from its last event and gets exactly what it missed.
    const lastEventId = received.at(-1)!.result!.id!;
    const resumed = await rawClient(mechanic.token);
    try {
      resumed.subscribe(1, "requests.onBoard", { lastEventId });
      const expected = published - received.length;
      const replayed = await resumed.until(
        1,
        (mine) => mine.filter((frame) => frame.result?.type === "data").length >= expected,
        20_000,
      );
      const names = [...received, ...replayed.filter((frame) => frame.result?.type === "data")].map(
        (frame) =>
          (frame.result?.data?.json?.data.payload as { card: { customerName: string } } | undefined)?.card.customerName,
      );
      expect(names).toEqual(Array.from({ length: published }, (_, i) => `Customer ${i + 1}`));
    } finally {
      resumed.socket.close();
    }
  }, 90_000);
});
