// The Switchboard process: one port serving tRPC over HTTP (/trpc) and WebSocket (/trpc),
// the Stripe webhook, /healthz, and the built dashboard.
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  type AiRuntime,
  type AppEventBus,
  appRouter,
  createContext,
  type JobWorker,
  LiveSocket,
  type OnboardingRuntime,
  tokenFromAuthorizationHeader,
  wsEncoder,
} from "@switchboard/api";
import { checkDrift, type Database } from "@switchboard/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { Logger } from "./logger.ts";
import { createStaticHandler } from "./static-files.ts";
import { createStripeWebhookHandler } from "./stripe-webhook.ts";

export interface ServerOptions {
  db: Database;
  databaseUrl: string;
  events: AppEventBus;
  log: Logger;
  dashboardDist: string;
  stripeWebhookSecret?: string | undefined;
  /** Payments and the pipeline runner (null: onboarding answers that it is unavailable). */
  onboarding?: OnboardingRuntime | null;
  /** The AI runtime (null: AI features say they are off). */
  ai?: AiRuntime | null;
  /** The background job worker (null: none runs here, so procedures queue nothing). */
  jobs?: JobWorker | null;
  /** Lifetime of new sign-ins (SESSION_TTL_DAYS). */
  sessionTtlDays?: number | undefined;
  /** WebSocket keep-alive ping interval; a socket that misses the pong is closed. */
  pingMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, tells WebSocket clients to reconnect elsewhere, closes every socket. */
  close(): Promise<void>;
}

const SCHEMA_RECHECK_MS = 30_000;

/** The browser's Origin header and the peer address, for the agents' domain checks and sessions. */
function clientOf(req: IncomingMessage) {
  const origin = req.headers.origin;
  return { origin: typeof origin === "string" ? origin : null, ip: req.socket.remoteAddress ?? null };
}
const requestIdPattern = /^[\w.-]{1,64}$/;

/**
 * Frames a WebSocket sends during one turn of the event loop leave in one write. A burst of live
 * events then reaches each subscriber in one syscall instead of one per event: on a thousand
 * sockets the per-frame syscall (and the receiver's wake-up) was the largest cost of a fan-out.
 * The socket is uncorked as soon as the current turn ends, so a frame waits only for work that
 * was already running, never for a timer.
 */
const corkedSockets = new Set<Duplex>();
function uncorkSockets(): void {
  for (const socket of corkedSockets) socket.uncork();
  corkedSockets.clear();
}
function sendInOneWritePerTurn(client: WebSocket, socket: Duplex): void {
  const send = client.send.bind(client) as (...args: unknown[]) => void;
  client.send = ((...args: unknown[]) => {
    if (!corkedSockets.has(socket)) {
      socket.cork();
      corkedSockets.add(socket);
      if (corkedSockets.size === 1) setImmediate(uncorkSockets);
    }
    send(...args);
  }) as WebSocket["send"];
}

export async function startServer(
  options: ServerOptions,
  listen: { port: number; host: string },
): Promise<RunningServer> {
  const { db, log, events } = options;
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req }) =>
      createContext({
        db,
        log: (req as { log?: Logger }).log ?? log,
        token: tokenFromAuthorizationHeader(req.headers.authorization),
        requestId: String(req.headers["x-request-id"] ?? randomUUID()),
        sessionTtlDays: options.sessionTtlDays,
        events,
        onboarding: options.onboarding ?? null,
        ai: options.ai ?? null,
        jobs: options.jobs?.queue ?? null,
        client: clientOf(req),
      }),
  });
  const serveStatic = createStaticHandler(options.dashboardDist);
  const handleStripeWebhook = createStripeWebhookHandler({
    db,
    events,
    webhookSecret: options.stripeWebhookSecret,
  });

  let schema = { ok: true, checkedAt: Date.now(), differences: 0 };
  async function health() {
    const database = await Promise.race([
      db.$queryRaw`SELECT 1`.then(() => "reachable" as const),
      new Promise<"unreachable">((resolve) => setTimeout(() => resolve("unreachable"), 2000)),
    ]).catch(() => "unreachable" as const);
    if (database === "reachable" && Date.now() - schema.checkedAt > SCHEMA_RECHECK_MS) {
      const report = await checkDrift(options.databaseUrl).catch(() => null);
      if (report) schema = { ok: report.ok, checkedAt: Date.now(), differences: report.differences.length };
    }
    const ok = database === "reachable" && schema.ok;
    return {
      ok,
      body: {
        status: ok ? "ok" : "unavailable",
        database,
        schema: schema.ok ? "ok" : `drifted (${schema.differences} differences; run pnpm db:check)`,
      },
    };
  }

  const server = http.createServer(async (req, res) => {
    const header = req.headers["x-request-id"];
    const requestId = typeof header === "string" && requestIdPattern.test(header) ? header : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    const requestLog = log.child({ requestId });
    Object.assign(req, { log: requestLog });
    const started = performance.now();
    res.on("finish", () => {
      requestLog.info(
        { method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) },
        "request",
      );
    });
    try {
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
      if (pathname.startsWith("/trpc/")) return trpcHandler(req, res);
      if (pathname === "/healthz") {
        const { ok, body } = await health();
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        return res.end(JSON.stringify(body));
      }
      if (pathname === "/webhooks/stripe") return await handleStripeWebhook(req, res, requestLog);
      if (req.method === "GET" || req.method === "HEAD") return await serveStatic(req, res, pathname);
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("Not found\n");
    } catch (error) {
      requestLog.error({ err: error }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `Something went wrong — reference ${requestId}` }));
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  /** Each socket's send queue, which ends a client that falls behind promptly (packages/api live-events.ts). */
  const liveSockets = new WeakMap<WebSocket, LiveSocket>();
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: options.pingMs ?? 30_000, pongWaitMs: 5_000 },
    // A live event is encoded once for all its subscribers (packages/api wire-format.ts).
    experimental_encoder: wsEncoder,
    createContext: ({ info, req, res: socket }) => {
      const token = info.connectionParams?.token;
      return createContext({
        db,
        log,
        token: typeof token === "string" && token ? token : null,
        requestId: randomUUID(),
        sessionTtlDays: options.sessionTtlDays,
        events,
        onboarding: options.onboarding ?? null,
        ai: options.ai ?? null,
        jobs: options.jobs?.queue ?? null,
        client: clientOf(req),
        connection: liveSockets.get(socket) ?? null,
      });
    },
  });
  server.on("upgrade", (req, socket, head) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname !== "/trpc") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      sendInOneWritePerTurn(client, socket);
      liveSockets.set(client, new LiveSocket(client, socket));
      wss.emit("connection", client, req);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${listen.host === "0.0.0.0" ? "127.0.0.1" : listen.host}:${port}`;

  return {
    url,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      wsHandler.broadcastReconnectNotification();
      // Give clients a moment to receive the reconnect notice, then close what is left.
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
