// WebSocket subscribers for the event-bus benchmark, in their own process so that the server's
// CPU and RSS are the server's alone. Two modes speaking over plain `ws`:
//   trpc: the tRPC v11 WebSocket protocol as wsLink speaks it (`?connectionParams=1`, then a
//         connectionParams message with the session token, then a `requests.onBoard`
//         subscription whose input is superjson-encoded), as a mechanic's dashboard does;
//   raw:  a bare connection to the baseline broadcaster.
// Every received event is parsed (JSON.parse, as any client must) and its number and receive
// time recorded on the shared clock; the benchmark turns them into latencies.
import WebSocket from "ws";
import { now, serveControl } from "./events-control.ts";
import { seqOfRequestId } from "./events-payload.ts";

export interface ConnectArgs {
  url: string;
  mode: "trpc" | "raw";
  /** trpc: one session token per subscriber. */
  tokens?: string[];
  /** raw: number of connections. */
  count?: number;
  lastEventId?: string | null;
}

export interface Collected {
  delivered: number;
  seqs: Int32Array;
  receivedAt: Float64Array;
  unexpectedCloses: Record<string, number>;
  serverErrors: number;
  firstServerError: string | null;
}

const SUBSCRIPTION_ID = 1;
const sockets = new Set<WebSocket>();
let closing = false;

let seqs = new Int32Array(1 << 16);
let receivedAt = new Float64Array(1 << 16);
let delivered = 0;
let unexpectedCloses: Record<string, number> = {};
let serverErrors = 0;
let firstServerError: string | null = null;
let waiter: { target: number; resolve: () => void } | null = null;

function record(seq: number, at: number): void {
  if (delivered === seqs.length) {
    const moreSeqs = new Int32Array(seqs.length * 2);
    moreSeqs.set(seqs);
    seqs = moreSeqs;
    const moreTimes = new Float64Array(receivedAt.length * 2);
    moreTimes.set(receivedAt);
    receivedAt = moreTimes;
  }
  seqs[delivered] = seq;
  receivedAt[delivered] = at;
  delivered++;
  if (waiter && delivered >= waiter.target) {
    waiter.resolve();
    waiter = null;
  }
}

interface TrpcMessage {
  id?: number | null;
  result?: { type: string; data?: { json?: { data?: { payload?: { card?: { requestId: string } } } } } };
  error?: { message?: string };
}

interface RawMessage {
  data?: { payload?: { card?: { requestId: string } } };
}

function connectOne(args: ConnectArgs, token: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = args.mode === "trpc" ? `${args.url.replace(/^http/, "ws")}/trpc?connectionParams=1` : args.url;
    const socket = new WebSocket(url);
    let started = false;
    const fail = (error: Error) => {
      if (started) return;
      started = true;
      reject(error);
    };
    socket.on("error", (error) => fail(error));
    socket.on("close", (code) => {
      sockets.delete(socket);
      fail(new Error(`closed with ${code} before the subscription started`));
      if (!closing) unexpectedCloses[code] = (unexpectedCloses[code] ?? 0) + 1;
    });
    socket.on("open", () => {
      sockets.add(socket);
      if (args.mode === "raw") {
        started = true;
        resolve();
        return;
      }
      socket.send(JSON.stringify({ method: "connectionParams", data: { token } }));
      socket.send(
        JSON.stringify({
          id: SUBSCRIPTION_ID,
          method: "subscription",
          params: { path: "requests.onBoard", input: { json: { lastEventId: args.lastEventId ?? null } } },
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
      if (args.mode === "raw") {
        const requestId = (JSON.parse(text) as RawMessage).data?.payload?.card?.requestId;
        if (requestId) record(seqOfRequestId(requestId), at);
        return;
      }
      const message = JSON.parse(text) as TrpcMessage;
      if (message.error) {
        serverErrors++;
        firstServerError ??= message.error.message ?? text;
        fail(new Error(`subscription failed: ${message.error.message}`));
        return;
      }
      const result = message.result;
      if (!result) return;
      if (result.type === "started") {
        if (!started) {
          started = true;
          resolve();
        }
        return;
      }
      if (result.type !== "data") return;
      const requestId = result.data?.json?.data?.payload?.card?.requestId;
      if (requestId) record(seqOfRequestId(requestId), at);
    });
  });
}

async function connect(args: ConnectArgs) {
  const tokens = args.tokens ?? Array.from({ length: args.count ?? 0 }, () => undefined);
  const startedAt = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(64, tokens.length) }, async () => {
      while (next < tokens.length) await connectOne(args, tokens[next++]);
    }),
  );
  return { connected: sockets.size, startedAt, ms: now() - startedAt };
}

function reset(): void {
  delivered = 0;
  unexpectedCloses = {};
  serverErrors = 0;
  firstServerError = null;
}

function waitFor({ deliveries, timeoutMs }: { deliveries: number; timeoutMs: number }) {
  return new Promise<{ delivered: number; timedOut: boolean }>((resolve) => {
    if (delivered >= deliveries) {
      resolve({ delivered, timedOut: false });
      return;
    }
    const timer = setTimeout(() => {
      waiter = null;
      resolve({ delivered, timedOut: true });
    }, timeoutMs);
    waiter = {
      target: deliveries,
      resolve: () => {
        clearTimeout(timer);
        resolve({ delivered, timedOut: false });
      },
    };
  });
}

function collect(): Collected {
  return {
    delivered,
    seqs: seqs.slice(0, delivered),
    receivedAt: receivedAt.slice(0, delivered),
    unexpectedCloses,
    serverErrors,
    firstServerError,
  };
}

async function closeAll() {
  closing = true;
  const closed = [...sockets].map(
    (socket) =>
      new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.close();
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2000).unref();
      }),
  );
  await Promise.all(closed);
  sockets.clear();
  closing = false;
  return { open: sockets.size };
}

serveControl(
  {
    connect: (args) => connect(args as ConnectArgs),
    reset: () => reset(),
    waitFor: (args) => waitFor(args as { deliveries: number; timeoutMs: number }),
    collect: () => collect(),
    closeAll: () => closeAll(),
    count: () => sockets.size,
  },
  {},
);
