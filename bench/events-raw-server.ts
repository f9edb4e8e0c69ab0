// The event-bus benchmark's baseline: a bare `ws` server in its own process broadcasting the
// same event to every connected client, with no database, no tRPC and no per-subscriber queue,
// as a careful ws user would: the message is encoded once into one UTF-8 buffer and that same
// buffer is handed to every socket (ws then adds only a frame header per socket; a server's
// frames are unmasked, so the payload is never copied). "Commit" time is the moment the
// broadcast starts; the benchmark counts latency from each event's scheduled time.
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { now, serveControl, sleep } from "./events-control.ts";
import { BOARD_SCOPE, BOARD_TOPIC, boardCreated } from "./events-payload.ts";
import type { PublishArgs, PublishResult } from "./events-server.ts";

const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
const { port } = wss.address() as AddressInfo;
wss.on("connection", (socket) => socket.on("error", () => {}));

function broadcast(seq: number): number {
  const message = JSON.stringify({
    id: `0.${seq}`,
    data: { type: "event", topic: BOARD_TOPIC, scope: BOARD_SCOPE, payload: boardCreated(seq), createdAt: new Date() },
  });
  const sentAt = now();
  const bytes = Buffer.from(message);
  for (const client of wss.clients) client.send(bytes, { binary: false });
  return sentAt;
}

async function publish({ firstSeq, count, rate }: PublishArgs): Promise<PublishResult> {
  const commitTimes = new Float64Array(count);
  const startedAt = now();
  for (let i = 0; i < count; i++) {
    if (rate) {
      const wait = startedAt + (i * 1000) / rate - now();
      if (wait > 0.5) await sleep(wait);
    } else {
      // Unthrottled, but let the sockets flush between broadcasts.
      await new Promise((resolve) => setImmediate(resolve));
    }
    commitTimes[i] = broadcast(firstSeq + i);
  }
  return {
    commitTimes,
    startedAt,
    finishedAt: now(),
    lastEventId: `0.${firstSeq + count - 1}`,
    failures: 0,
    firstFailure: null,
  };
}

async function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  return process.memoryUsage();
}

serveControl(
  {
    publish: (args) => publish(args as PublishArgs),
    stats: () => ({ subscribers: wss.clients.size }),
    memory,
    shutdown: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  },
  { url: `ws://127.0.0.1:${port}` },
);
