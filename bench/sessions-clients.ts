// The sessions benchmark's participants (customer and mechanic of every session), in their own
// process so that the server's CPU is the server's alone. Both sides of a pair live here, so a
// message's latency is measured on one clock: from just before its send to its arrival on the
// other side. Two modes over plain `ws`:
//   trpc: the tRPC v11 WebSocket protocol as wsLink speaks it: connectionParams with the
//         participant's session token, a `sessions.onEvents` subscription, and every message a
//         `sessions.send` mutation on the same socket (superjson-encoded input);
//   raw:  a bare connection to the relay (sessions-raw-relay.ts), the message as JSON text.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { now, serveControl } from "./events-control.ts";

export interface Participant {
  pair: number;
  side: "customer" | "mechanic";
  /** trpc: the session and the participant's token. */
  sessionId?: string;
  token?: string;
}

export interface ConnectArgs {
  url: string;
  mode: "trpc" | "raw";
  participants: Participant[];
}

interface Open {
  participant: Participant;
  socket: WebSocket;
}

const SUBSCRIPTION_ID = 1;
let nextRequestId = 2;
let mode: "trpc" | "raw" = "raw";
const open: Open[] = [];
let latencies: number[] = [];
let sent = 0;
let sendFailures = 0;
let firstFailure: string | null = null;
let closing = false;
let unexpectedCloses = 0;

/** A message's body carries what the receiver needs to time it: "<pair> <side> <seq> <sentAt>". */
function received(body: string, at: number): void {
  const sentAt = Number(body.split(" ")[3]);
  if (Number.isFinite(sentAt)) latencies.push(at - sentAt);
}

function failed(message: string): void {
  sendFailures++;
  firstFailure ??= message;
}

function connectOne(url: string, participant: Participant): Promise<void> {
  return new Promise((resolve, reject) => {
    const address =
      mode === "trpc"
        ? `${url.replace(/^http/, "ws")}/trpc?connectionParams=1`
        : `${url}/?pair=${participant.pair}&side=${participant.side}`;
    const socket = new WebSocket(address);
    let started = false;
    const fail = (error: Error) => {
      if (started) return;
      started = true;
      reject(error);
    };
    socket.on("error", (error) => fail(error));
    socket.on("close", (code) => {
      fail(new Error(`closed with ${code} before it was ready`));
      if (!closing) unexpectedCloses++;
    });
    socket.on("open", () => {
      open.push({ participant, socket });
      if (mode === "raw") {
        started = true;
        resolve();
        return;
      }
      socket.send(JSON.stringify({ method: "connectionParams", data: { token: participant.token } }));
      socket.send(
        JSON.stringify({
          id: SUBSCRIPTION_ID,
          method: "subscription",
          params: {
            path: "sessions.onEvents",
            input: { json: { sessionId: participant.sessionId, lastEventId: null } },
          },
        }),
      );
    });
    socket.on("message", (data: Buffer) => {
      const at = now();
      const text = data.toString();
      if (text === "PING") {
        socket.send("PONG");
        return;
      }
      if (text === "PONG") return;
      if (mode === "raw") {
        received((JSON.parse(text) as { body: string }).body, at);
        return;
      }
      const message = JSON.parse(text) as {
        id?: number;
        error?: { message?: string };
        result?: {
          type: string;
          data?: { json?: { data?: { payload?: { kind?: string; message?: { body: string; authorRole: string } } } } };
        };
      };
      if (message.error) {
        if (message.id === SUBSCRIPTION_ID) fail(new Error(`subscription failed: ${message.error.message}`));
        else failed(message.error.message ?? text);
        return;
      }
      if (message.id !== SUBSCRIPTION_ID) return; // a mutation's answer
      if (message.result?.type === "started") {
        started = true;
        resolve();
        return;
      }
      const payload = message.result?.data?.json?.data?.payload;
      // Each side hears its own messages too: only the other side's count.
      if (payload?.kind === "message" && payload.message && payload.message.authorRole !== participant.side) {
        received(payload.message.body, at);
      }
    });
  });
}

async function connect(args: ConnectArgs) {
  mode = args.mode;
  const startedAt = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, args.participants.length) }, async () => {
      while (next < args.participants.length) await connectOne(args.url, args.participants[next++]!);
    }),
  );
  return { connected: open.length, ms: now() - startedAt };
}

function sendOne({ participant, socket }: Open, seq: number): void {
  const body = `${participant.pair} ${participant.side} ${seq} ${now()}`;
  sent++;
  if (mode === "raw") {
    socket.send(JSON.stringify({ body }));
    return;
  }
  socket.send(
    JSON.stringify({
      id: nextRequestId++,
      method: "mutation",
      params: {
        path: "sessions.send",
        input: { json: { sessionId: participant.sessionId, clientKey: randomUUID(), body } },
      },
    }),
  );
}

/**
 * Every participant sends one message per second for `seconds`, spread evenly over each second
 * (open loop: a send is never held back by an earlier one's answer).
 */
async function chat({ seconds }: { seconds: number }) {
  latencies = [];
  sent = 0;
  sendFailures = 0;
  firstFailure = null;
  const startedAt = now();
  const total = seconds * open.length;
  for (let i = 0; i < total; i++) {
    const at = startedAt + (i * 1000) / open.length;
    const wait = at - now();
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
    sendOne(open[i % open.length]!, Math.floor(i / open.length));
  }
  // Let the last second's messages arrive.
  const deadline = now() + 5000;
  while (latencies.length + sendFailures < sent && now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { sent, delivered: latencies.length, sendFailures, firstFailure, unexpectedCloses, latencies };
}

async function closeAll() {
  closing = true;
  await Promise.all(
    open.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          socket.close();
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, 2000).unref();
        }),
    ),
  );
  open.length = 0;
  closing = false;
  unexpectedCloses = 0;
  return { open: open.length };
}

serveControl(
  {
    connect: (args) => connect(args as ConnectArgs),
    chat: (args) => chat(args as { seconds: number }),
    closeAll: () => closeAll(),
  },
  {},
);
