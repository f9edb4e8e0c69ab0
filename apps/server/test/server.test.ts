import type { AppEventBus, AppRouter } from "@switchboard/api";
import { signStripeWebhook, type TestDatabase } from "@switchboard/testing";
import { createTRPCClient, createWSClient, httpLink, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningServer } from "../src/server.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

const webhookSecret = "whsec_test_secret";
let database: TestDatabase;
let server: RunningServer;
let events: AppEventBus;

let harness: TestServer | null = null;
beforeAll(async () => {
  harness = await startTestServer({
    stripeWebhookSecret: webhookSecret,
    dashboardFiles: {
      "index.html": "<!doctype html><title>Switchboard</title>",
      "assets/app-123.js": "console.log('app')",
    },
  });
  ({ database, events, server } = harness);
});

afterAll(() => harness?.close());

function httpClient(token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

describe("HTTP", () => {
  it("reports health with the database and schema state, and echoes request ids", async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "req-abc-123" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-abc-123");
    expect(await response.json()).toEqual({
      status: "ok",
      database: "reachable",
      pool: expect.objectContaining({ waiting: 0 }),
      schema: "ok",
    });
    const generated = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "not a valid id!" } });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves tRPC over HTTP with bearer tokens", async () => {
    const signedUp = await httpClient().auth.signUp.mutate({
      email: "http@example.com",
      password: "a-long-password",
      name: "Http User",
    });
    const me = await httpClient(signedUp.token).auth.me.query();
    expect(me.user.email).toBe("http@example.com");
    await expect(httpClient().auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });

  it("serves the dashboard with a client-side-route fallback and real 404s for assets", async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get("content-type")).toContain("text/html");
    expect(await index.text()).toContain("<title>Switchboard</title>");
    expect(await (await fetch(`${server.url}/requests/board`)).text()).toContain("<title>Switchboard</title>");
    const asset = await fetch(`${server.url}/assets/app-123.js`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${server.url}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
    expect(await traversal.text()).not.toContain("root:");
  });
});

describe("WebSocket", () => {
  it("authenticates with connectionParams and answers over the socket", async () => {
    const { token } = await httpClient().auth.signUp.mutate({
      email: "ws@example.com",
      password: "a-long-password",
      name: "Ws User",
    });
    const wsClient = createWSClient({
      url: `${server.url.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: () => ({ token }),
      keepAlive: { enabled: true },
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      expect((await client.auth.me.query()).user.email).toBe("ws@example.com");
    } finally {
      wsClient.close();
    }
  });

  it("refuses live updates a person may not see, and a malformed lastEventId, before any event is sent", async () => {
    const signUp = (email: string) =>
      httpClient().auth.signUp.mutate({ email, password: "a-long-password", name: email.split("@")[0]! });
    const owner = await signUp("owner-live@example.com");
    const other = await signUp("other-live@example.com");
    const { requestId } = await httpClient(owner.token).requests.submit.mutate({
      vehicle: { make: "Kia", model: "Niro", year: 2021 },
      concern: "The battery warning light stays on after starting.",
      urgency: "normal",
      sessionType: "chat",
      plan: "basic",
    });
    const wsClient = createWSClient({
      url: `${server.url.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: () => ({ token: other.token }),
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
    const outcome = (subscribe: (handlers: { onData(): void; onError(e: unknown): void }) => unknown) =>
      new Promise<{ data: number; error: { code?: string; message: string } }>((resolve) => {
        let data = 0;
        subscribe({
          onData: () => data++,
          onError: (error) => {
            const e = error as { message: string; data?: { code?: string } };
            resolve({ data, error: { code: e.data?.code, message: e.message } });
          },
        });
      });
    try {
      const status = await outcome((handlers) =>
        client.requests.onStatus.subscribe({ requestId, lastEventId: null }, handlers),
      );
      expect(status).toEqual({ data: 0, error: { code: "FORBIDDEN", message: "You can't follow this request." } });
      const board = await outcome((handlers) => client.requests.onBoard.subscribe({ lastEventId: null }, handlers));
      expect(board.data).toBe(0);
      expect(board.error.code).toBe("FORBIDDEN");
      const ownerSocket = createWSClient({
        url: `${server.url.replace("http", "ws")}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: () => ({ token: owner.token }),
      });
      const ownerClient = createTRPCClient<AppRouter>({
        links: [wsLink({ client: ownerSocket, transformer: superjson })],
      });
      const malformed = await outcome((handlers) =>
        ownerClient.requests.onStatus.subscribe({ requestId, lastEventId: "1; DROP TABLE" }, handlers),
      );
      ownerSocket.close();
      expect(malformed.data).toBe(0);
      expect(malformed.error.code).toBe("BAD_REQUEST");
      expect(malformed.error.message).not.toMatch(/zod|invalid_|regex/i);
    } finally {
      wsClient.close();
    }
  });

  it("delivers a burst of live events, written together, to every socket intact and in order", async () => {
    const owner = await httpClient().auth.signUp.mutate({
      email: "burst@example.com",
      password: "a-long-password",
      name: "Burst Owner",
    });
    const { requestId } = await httpClient(owner.token).requests.submit.mutate({
      vehicle: { make: "Mazda", model: "3", year: 2019 },
      concern: "The car pulls to the left when braking hard.",
      urgency: "normal",
      sessionType: "chat",
      plan: "basic",
    });
    const sockets = [0, 1].map(() =>
      createWSClient({
        url: `${server.url.replace("http", "ws")}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: () => ({ token: owner.token }),
      }),
    );
    const BURST = 40;
    try {
      const received = await Promise.all(
        sockets.map((socket) => {
          const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket, transformer: superjson })] });
          const ids: string[] = [];
          const ats: string[] = [];
          return {
            ids,
            ats,
            started: new Promise<void>((resolve, reject) => {
              client.requests.onStatus.subscribe(
                { requestId, lastEventId: events.headEventId() },
                {
                  onStarted: () => resolve(),
                  onData: ({ id, data }) => {
                    // Only the burst: the request's own "pending" event may arrive first.
                    if (data.type !== "event" || !data.payload.at.startsWith("2026-01-01")) return;
                    ids.push(id);
                    ats.push(data.payload.at);
                  },
                  onError: reject,
                },
              );
            }),
          };
        }),
      );
      await Promise.all(received.map((r) => r.started));
      const sent = Array.from({ length: BURST }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());
      const { sessionId } = await database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } });
      await database.db.$transaction(async (tx) => {
        for (const at of sent) {
          await events.publish(tx, "requests.status", requestId, {
            requestId,
            status: "pending",
            sessionId,
            mechanicName: null,
            at,
          });
        }
      });
      const deadline = Date.now() + 10_000;
      while (received.some((r) => r.ats.length < BURST) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const r of received) {
        expect(r.ats).toEqual(sent);
        expect(new Set(r.ids).size).toBe(BURST);
      }
      expect(received[1]!.ids).toEqual(received[0]!.ids);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it("refuses WebSocket upgrades on other paths", async () => {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/elsewhere`);
    const outcome = await new Promise((resolve) => {
      socket.on("open", () => resolve("open"));
      socket.on("error", () => resolve("refused"));
    });
    expect(outcome).toBe("refused");
  });
});

describe("Stripe webhook", () => {
  const post = (payload: string, signature: string) =>
    fetch(`${server.url}/webhooks/stripe`, {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": signature, "content-type": "application/json" },
    });

  it("rejects a bad signature and records nothing", async () => {
    const payload = JSON.stringify({
      id: "evt_bad",
      object: "event",
      type: "checkout.session.completed",
      data: { object: {} },
    });
    const response = await post(payload, signStripeWebhook(payload, "whsec_wrong"));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Invalid Stripe signature." });
    expect(await database.db.stripeWebhookEvent.count({ where: { id: "evt_bad" } })).toBe(0);
  });

  it("accepts a signed event once and treats a replay as a duplicate", async () => {
    const payload = JSON.stringify({
      id: "evt_1",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: "cs_1" } },
    });
    const first = await post(payload, signStripeWebhook(payload, webhookSecret));
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const replay = await post(payload, signStripeWebhook(payload, webhookSecret));
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    const stored = await database.db.stripeWebhookEvent.findMany({ where: { id: "evt_1" } });
    expect(stored).toEqual([expect.objectContaining({ type: "checkout.session.completed" })]);
  });
});
