// The WebSocket fast path held to tRPC's own frames. Two real servers (tRPC's applyWSSHandler)
// share one database and one event bus: one writes live events as finished frames encoded once
// (packages/api wire-format.ts), the other sends every event through tRPC's per-subscriber loop
// and its own JSON encoder (LIVE_DIRECT_FRAMES=false). The same conversation is held with each
// over a real `ws` client, and every frame must be byte for byte the same: a tRPC upgrade that
// changes its frames (or a change to the splice) fails here, not in a customer's browser.
import { randomUUID } from "node:crypto";
import { hashSecretToken, newSecretToken } from "@switchboard/api";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningServer, startServer } from "../src/server.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

let harness: TestServer;
let plain: RunningServer;

beforeAll(async () => {
  harness = await startTestServer({ directFrames: true });
  plain = await startServer(
    {
      services: { db: harness.database.db, events: harness.events, log: pino({ level: "silent" }) },
      databaseUrl: harness.database.url,
      dashboardDist: harness.dashboardDist,
      directFrames: false,
    },
    { port: 0, host: "127.0.0.1" },
  );
});

afterAll(async () => {
  await plain?.close();
  await harness?.close();
});

async function mechanicToken(): Promise<string> {
  const user = await harness.database.db.user.create({
    data: {
      email: `${randomUUID()}@example.com`,
      name: "Contract Mechanic",
      role: "mechanic",
      passwordHash: "not-used-by-this-test",
      mechanic: { create: { displayName: "Contract Mechanic" } },
    },
  });
  const token = newSecretToken();
  await harness.database.db.authSession.create({
    data: { userId: user.id, tokenHash: hashSecretToken(token), expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return token;
}

/** A bare `ws` client speaking tRPC's protocol by hand, keeping every frame exactly as received. */
async function openSocket(server: RunningServer, token: string | null) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/trpc?connectionParams=1`);
  const frames: string[] = [];
  socket.on("message", (data, isBinary) => {
    const text = data.toString();
    if (text === "PING") return socket.send("PONG");
    frames.push(isBinary ? `binary:${text}` : text);
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ method: "connectionParams", data: token ? { token } : {} }));
  const parsed = () => frames.map((frame) => JSON.parse(frame) as { id?: unknown; result?: { type: string } });
  return {
    socket,
    frames,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    /** Frames answering one request id, as received. */
    of: (id: unknown) => frames.filter((_, i) => parsed()[i]!.id === id),
    dataCount: (id: unknown) => parsed().filter((f) => f.id === id && f.result?.type === "data").length,
    close: () => new Promise<void>((resolve) => socket.once("close", () => resolve()).close()),
  };
}
type Socket = Awaited<ReturnType<typeof openSocket>>;

const onBoard = (id: unknown, lastEventId: unknown, jsonrpc?: "2.0") => ({
  id,
  ...(jsonrpc ? { jsonrpc } : {}),
  method: "subscription",
  params: { path: "requests.onBoard", input: { json: { lastEventId } } },
});

async function publish(n: number): Promise<void> {
  await harness.database.db.$transaction((tx) =>
    harness.events.publish(tx, "requests.board", "board", {
      kind: "cancelled",
      requestId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
    }),
  );
}

/** Both servers' sockets, side by side: [direct frames on, direct frames off]. */
type Pair = [Socket, Socket];
const openPair = async (token: string | null): Promise<Pair> =>
  [await openSocket(harness.server, token), await openSocket(plain, token)] as Pair;
const sendBoth = (pair: Pair, message: unknown) => {
  for (const socket of pair) socket.send(message);
};
const untilBoth = (pair: Pair, check: (socket: Socket) => boolean) =>
  Promise.all(pair.map((socket) => expect.poll(() => check(socket), { timeout: 10_000 }).toBe(true)));

it("sends the very frames tRPC's own loop and encoder send: data, tracked ids, started/stopped, errors, resume", async () => {
  const token = await mechanicToken();
  const sentDirectBefore = harness.events.stats.sentDirect;
  const first = await openPair(token);
  const sameIdElsewhere = await openPair(token); // another tab: wsLink numbers its subscriptions alike
  const signedOut = await openPair(null);

  sendBoth(first, onBoard(1, null));
  sendBoth(first, onBoard("board-2", null, "2.0"));
  sendBoth(first, onBoard(3, "not-an-event-id"));
  sendBoth(sameIdElsewhere, onBoard(1, null));
  sendBoth(signedOut, onBoard(1, null));
  await untilBoth(first, (s) => s.of(1).length === 1 && s.of("board-2").length === 1 && s.of(3).length === 1);
  await untilBoth(sameIdElsewhere, (s) => s.of(1).length === 1);
  await untilBoth(signedOut, (s) => s.of(1).length === 1);

  for (let n = 1; n <= 3; n++) await publish(n);
  await untilBoth(first, (s) => s.dataCount(1) === 3 && s.dataCount("board-2") === 3);
  await untilBoth(sameIdElsewhere, (s) => s.dataCount(1) === 3);

  sendBoth(first, { id: 1, method: "subscription.stop" });
  await untilBoth(first, (s) => s.of(1).length === 5); // started, three events, stopped
  for (let n = 4; n <= 5; n++) await publish(n);
  await untilBoth(first, (s) => s.dataCount("board-2") === 5);

  // A reconnecting client resumes after the second event: three replayed, then one live.
  const secondEventId = (JSON.parse(first[0].of("board-2")[2]!) as { result: { id: string } }).result.id;
  for (const socket of [...first, ...sameIdElsewhere]) await socket.close();
  const resumed = await openPair(token);
  sendBoth(resumed, onBoard(1, secondEventId));
  await untilBoth(resumed, (s) => s.dataCount(1) === 3);
  await publish(6);
  await untilBoth(resumed, (s) => s.dataCount(1) === 4);

  const conversation = (pair: Pair, ids: unknown[]) => pair.map((s) => ids.map((id) => s.of(id)));
  for (const [pair, ids] of [
    [first, [1, "board-2", 3]],
    [sameIdElsewhere, [1]],
    [signedOut, [1]],
    [resumed, [1]],
  ] as const) {
    const [direct, viaTrpc] = conversation(pair, [...ids]);
    expect(direct).toEqual(viaTrpc);
  }
  // The conversation had every kind of frame, and the fast path really wrote the live ones.
  const kinds = (frames: string[]) =>
    frames.map((frame) => {
      const parsed = JSON.parse(frame) as { error?: unknown; result?: { type: string } };
      return parsed.error ? "error" : parsed.result!.type;
    });
  expect(kinds(first[1].of(1))).toEqual(["started", "data", "data", "data", "stopped"]);
  expect(kinds(first[1].of(3))).toEqual(["error"]);
  expect(kinds(signedOut[1].of(1))).toEqual(["error"]);
  expect(kinds(resumed[1].of(1))).toEqual(["started", "data", "data", "data", "data"]);
  expect(first[1].of("board-2")[1]).toContain('"jsonrpc":"2.0"');
  expect(harness.events.stats.sentDirect - sentDirectBefore).toBeGreaterThan(0);
  for (const socket of [...signedOut, ...resumed]) await socket.close();
});
