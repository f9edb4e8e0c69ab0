// The Switchboard process: one port serving tRPC over HTTP (/trpc) and WebSocket (/trpc),
// the Stripe webhook, /healthz, and the built dashboard.
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  appRouter,
  createContext,
  LiveSocket,
  logErrorBeforeContext,
  type Services,
  SessionRevocations,
  tokenFromAuthorizationHeader,
  wsHandlerOptions,
} from "@switchboard/api";
import { MAX_BATCH_SIZE, MAX_REQUEST_BYTES, UNBATCHED_PROCEDURES } from "@switchboard/api/transport-limits";
import { checkDrift, poolStats } from "@switchboard/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import pg from "pg";
import { type WebSocket, WebSocketServer } from "ws";
import type { Logger } from "./logger.ts";
import { redactUrlForLog } from "./request-log.ts";
import { setSecurityHeaders } from "./security-headers.ts";
import { createStaticHandler } from "./static-files.ts";
import { createStripeWebhookHandler } from "./stripe-webhook.ts";

export interface ServerOptions {
  /**
   * What every call's context is made from, built once by the process (main.ts): the database,
   * the one logger, the bus, onboarding, AI, the job queue, throttling, the session lifetime.
   */
  services: Services;
  databaseUrl: string;
  dashboardDist: string;
  stripeWebhookSecret?: string | undefined;
  /** WebSocket keep-alive ping interval; a socket that misses the pong is closed. */
  pingMs?: number;
  /**
   * Proxies in front of this server whose X-Forwarded-For is believed (TRUSTED_PROXY_HOPS): 0
   * means the peer address is the client's. Behind one load balancer it is 1, or every client
   * would share the balancer's address (and its throttling budget).
   */
  trustedProxyHops?: number;
  /**
   * Live events written to WebSockets as finished frames, encoded once for every subscriber
   * (LIVE_DIRECT_FRAMES; default true). False sends every event through tRPC's own loop and
   * encoder; the bytes on the wire are the same (packages/api wire-format.ts).
   */
  directFrames?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, tells WebSocket clients to reconnect elsewhere, closes every socket. */
  close(): Promise<void>;
}

const SCHEMA_RECHECK_MS = 30_000;
/** A missing column seen by a procedure re-checks the schema at once, but at most this often. */
const SCHEMA_RECHECK_ON_ERROR_MS = 2_000;

/**
 * The browser's Origin header and the client's address (for the agents' domain checks and
 * throttling): the peer, or behind `trustedProxyHops` proxies the address they were handed.
 */
function clientOf(req: IncomingMessage, trustedProxyHops: number) {
  const origin = req.headers.origin;
  let ip = req.socket.remoteAddress ?? null;
  const forwarded = req.headers["x-forwarded-for"];
  if (trustedProxyHops > 0 && typeof forwarded === "string") {
    const hops = forwarded.split(",").map((hop) => hop.trim());
    ip = hops[Math.max(0, hops.length - trustedProxyHops)] || ip;
  }
  return { origin: typeof origin === "string" ? origin : null, ip };
}

/** The procedures an HTTP request names: `/trpc/a.b,c.d?batch=1` → ["a.b", "c.d"]. */
function proceduresOf(pathname: string): string[] {
  return pathname.slice("/trpc/".length).split(",");
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
  const { db, log, events } = options.services;
  const trustedProxyHops = options.trustedProxyHops ?? 0;
  // The process's services, with this server's own hook: a procedure that met a missing table or
  // column makes it re-check the schema at once (recheckSchemaSoon is hoisted).
  const services: Services = { ...options.services, onSchemaMissing: recheckSchemaSoon };
  const directFrames = options.directFrames ?? true;
  const revocations = new SessionRevocations(events, log.child({ component: "revocations" }));
  revocations.start();
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    // Bodies past this are refused while they stream in, before anything parses them.
    maxBodySize: MAX_REQUEST_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    responseMeta({ data }) {
      let retryAfter = 0;
      for (const response of data) {
        const seconds =
          "error" in response ? (response.error.data as { retryAfterSeconds?: number }).retryAfterSeconds : 0;
        retryAfter = Math.max(retryAfter, seconds ?? 0);
      }
      return retryAfter > 0 ? { headers: { "retry-after": String(retryAfter) } } : {};
    },
    // Errors before any context (a batch too large, a context that could not be made) go to this request's log.
    onError: ({ req, error, ctx, path }) =>
      logErrorBeforeContext((req as { log?: Logger }).log ?? log, { error, ctx, path }),
    createContext: ({ req }) =>
      createContext(services, {
        token: tokenFromAuthorizationHeader(req.headers.authorization),
        requestId: String(req.headers["x-request-id"] ?? randomUUID()),
        client: clientOf(req, trustedProxyHops),
      }),
  });
  const serveStatic = createStaticHandler(options.dashboardDist);
  const handleStripeWebhook = createStripeWebhookHandler({
    db,
    events,
    webhookSecret: options.stripeWebhookSecret,
  });

  let schema: { ok: boolean; checkedAt: number; differences: string[]; fix: string | null } = {
    ok: true,
    checkedAt: Date.now(),
    differences: [],
    fix: null,
  };
  let schemaCheck: Promise<void> | null = null;
  function checkSchema(): Promise<void> {
    schemaCheck ??= checkDrift(options.databaseUrl)
      .then((report) => {
        if (!report.ok) log.error({ differences: report.differences, fix: report.fix }, "the database schema drifted");
        schema = {
          ok: report.ok,
          checkedAt: Date.now(),
          differences: report.differences.map((difference) => difference.message),
          fix: report.fix,
        };
      })
      .catch((error) => log.warn({ err: error }, "schema check failed; will retry"))
      .finally(() => {
        schemaCheck = null;
      });
    return schemaCheck;
  }
  let recheckTimer: NodeJS.Timeout | null = null;
  /** A procedure met a missing table or column: check now, or as soon as the last check is 2 s old. */
  function recheckSchemaSoon(): void {
    if (recheckTimer) return;
    const wait = Math.max(0, schema.checkedAt + SCHEMA_RECHECK_ON_ERROR_MS - Date.now());
    recheckTimer = setTimeout(() => {
      recheckTimer = null;
      void checkSchema();
    }, wait);
    recheckTimer.unref();
  }
  // /healthz asks PostgreSQL on its own connection, so a full pool reads as "busy" (the database
  // answers, this instance is saturated) rather than "unreachable".
  const healthDatabase = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 1,
    connectionTimeoutMillis: 2_000,
    statement_timeout: 2_000,
    application_name: "switchboard-health",
  });
  healthDatabase.on("error", (error) => log.warn({ err: error }, "health check connection lost"));
  const pingDatabase = () => healthDatabase.query("SELECT 1").then(() => true);
  async function health() {
    const reachable = await Promise.race([
      pingDatabase(),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 2000)),
    ]).catch(() => false);
    if (reachable && Date.now() - schema.checkedAt > SCHEMA_RECHECK_MS) await checkSchema();
    const pool = poolStats(db);
    const busy = reachable && pool !== null && pool.waiting > 0;
    const status = !reachable || !schema.ok ? "unavailable" : busy ? "busy" : "ok";
    return {
      ok: status === "ok",
      body: {
        status,
        database: reachable ? (busy ? "busy" : "reachable") : "unreachable",
        ...(pool ? { pool } : {}),
        schema: schema.ok ? "ok" : "drifted",
        ...(schema.ok ? {} : { differences: schema.differences, fix: schema.fix }),
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
    setSecurityHeaders(res);
    const started = performance.now();
    res.on("finish", () => {
      requestLog.info(
        {
          method: req.method,
          url: redactUrlForLog(req.url ?? "/"),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        "request",
      );
    });
    try {
      // A request target that is no path at all ("//[") is the client's mistake: 400, not 500.
      if (!URL.canParse(req.url ?? "/", "http://localhost")) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        return res.end("This address is not valid.\n");
      }
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
      if (pathname.startsWith("/trpc/")) {
        const procedures = proceduresOf(pathname);
        if (procedures.length > 1 && procedures.some((procedure) => UNBATCHED_PROCEDURES.has(procedure))) {
          res.writeHead(400, { "content-type": "application/json" });
          return res.end(JSON.stringify({ error: "Sign-in and sign-up must be sent on their own, not in a batch." }));
        }
        return trpcHandler(req, res);
      }
      if (pathname === "/healthz") {
        const { ok, body } = await health();
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
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

  // Messages past the limit close the socket (1009) before they are parsed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  /** Each socket's send queue, which ends a client that falls behind promptly (packages/api live-events.ts). */
  const liveSockets = new WeakMap<WebSocket, LiveSocket>();
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: options.pingMs ?? 30_000, pongWaitMs: 5_000 },
    // A live event is encoded once for all its subscribers, unless direct frames are off (packages/api wire-format.ts).
    ...wsHandlerOptions(directFrames),
    onError: ({ error, ctx, path }) => logErrorBeforeContext(log, { error, ctx, path }),
    createContext: async ({ info, req, res: socket }) => {
      const token = info.connectionParams?.token;
      const connection = liveSockets.get(socket) ?? null;
      const ctx = await createContext(services, {
        token: typeof token === "string" && token ? token : null,
        requestId: randomUUID(),
        client: clientOf(req, trustedProxyHops),
        socket: connection,
      });
      // A socket authenticates once; sign-out, expiry and access changes close it (auth/revocation.ts).
      if (ctx.session && ctx.user && connection) revocations.watch(connection, ctx.session, ctx.user.id);
      return ctx;
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
      liveSockets.set(client, new LiveSocket(client, socket, { directFrames }));
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
      if (recheckTimer) clearTimeout(recheckTimer);
      await schemaCheck;
      await revocations.stop();
      await healthDatabase.end().catch(() => {});
    },
  };
}
