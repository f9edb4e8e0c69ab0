// The sessions benchmark's baseline: a bare `ws` relay in its own process. Each participant
// connects with ?pair=<n>&side=<customer|mechanic>; every text it sends is forwarded, as is, to
// the other side of its pair. No database, no tRPC, no authorization: the floor the real path
// (sessions.send → outbox → NOTIFY → sessions.onEvents) is compared with.
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { serveControl } from "./events-control.ts";

const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
const { port } = wss.address() as AddressInfo;
const sides = new Map<string, WebSocket>();
let relayed = 0;

wss.on("connection", (socket, request) => {
  const params = new URL(request.url ?? "/", "http://relay").searchParams;
  const pair = params.get("pair") ?? "";
  const side = params.get("side") === "mechanic" ? "mechanic" : "customer";
  const other = `${pair}:${side === "customer" ? "mechanic" : "customer"}`;
  sides.set(`${pair}:${side}`, socket);
  socket.on("error", () => {});
  socket.on("close", () => sides.delete(`${pair}:${side}`));
  socket.on("message", (data: Buffer) => {
    const peer = sides.get(other);
    if (!peer) return;
    relayed++;
    peer.send(data, { binary: false });
  });
});

serveControl(
  {
    stats: () => ({ connected: wss.clients.size, relayed }),
    shutdown: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  },
  { url: `ws://127.0.0.1:${port}` },
);
