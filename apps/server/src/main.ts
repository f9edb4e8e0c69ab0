// `switchboard start`: validate configuration, prepare the database, serve, and shut down
// in order on SIGINT/SIGTERM (stop accepting → close sockets → stop background work → close
// the database → stop embedded PostgreSQL).
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AiRuntime,
  type AppEventBus,
  createAppEventBus,
  createThrottlePool,
  type JobWorker,
  OnboardingRunner,
  type OnboardingRuntime,
  type Services,
  startBackgroundJobs,
  Throttle,
} from "@switchboard/api";
import { defaultDataDir, EmbeddedPostgresAccessError } from "@switchboard/db";
import {
  createOpenAIClient,
  createResearchClient,
  createStripeClient,
  loadSecretBox,
  OutboundPolicy,
} from "@switchboard/integrations";
import { formatDemoAccounts, type PreparedDatabase, prepareDatabase, SchemaNotReadyError } from "./bootstrap.ts";
import { EnvError, parseEnv } from "./env.ts";
import { createLogger } from "./logger.ts";
import { type RunningServer, startServer } from "./server.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultDashboardDist = path.resolve(here, "../../dashboard/dist");
const dotEnvFile = path.resolve(here, "../../../.env");

export async function runStart(): Promise<void> {
  // Variables already in the environment win over .env (process.loadEnvFile never overwrites).
  if (existsSync(dotEnvFile)) process.loadEnvFile(dotEnvFile);
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(env.LOG_LEVEL);
  const started = performance.now();

  let database: PreparedDatabase | null = null;
  let server: RunningServer | null = null;
  let events: AppEventBus | null = null;
  let runner: OnboardingRunner | null = null;
  let jobWorker: JobWorker | null = null;
  let throttlePool: ReturnType<typeof createThrottlePool> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting immediately");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    try {
      await server?.close();
      await runner?.stop();
      // Running jobs finish (or are aborted after graphile-worker's grace period) while the bus
      // and the database they write to are still open.
      await jobWorker?.stop();
      await events?.stop();
      await throttlePool?.end();
      await database?.close();
      log.info("stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    database = await prepareDatabase(env, log);
    events = createAppEventBus({
      databaseUrl: database.url,
      log: log.child({ component: "events" }),
      retentionMs: env.EVENT_RETENTION_HOURS * 60 * 60 * 1000,
      heldBackWarnMs: env.EVENT_HELD_BACK_WARN_MS,
    });
    await events.start();
    const stripe = createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE });
    if (!stripe) log.warn('no STRIPE_SECRET_KEY: onboarding runs in explicit "no payment provider" mode');
    // Loaded before the onboarding runner: it seals API keys' reveal material with it.
    const secrets = await loadSecretBox({
      secretsKey: env.SECRETS_KEY,
      dataDir: database.embedded ? (env.SWITCHBOARD_DATA_DIR ?? defaultDataDir) : null,
    });
    const onboardingRunner = new OnboardingRunner(
      {
        db: database.db,
        secrets,
        events,
        log: log.child({ component: "onboarding" }),
        stripe,
        research: env.RESEARCH_SERVICE_URL ? createResearchClient({ baseUrl: env.RESEARCH_SERVICE_URL }) : null,
        instanceId: `${hostname()}:${process.pid}:${events.instanceId.slice(0, 8)}`,
        leaseMs: env.ONBOARDING_LEASE_SECONDS * 1000,
        retry: { attempts: env.ONBOARDING_RETRY_ATTEMPTS, baseMs: env.ONBOARDING_RETRY_BASE_MS, maxMs: 30_000 },
      },
      { pollMs: env.ONBOARDING_POLL_MS, concurrency: 16 },
    );
    runner = onboardingRunner;
    let serverUrl = env.PUBLIC_URL ?? "";
    const onboarding: OnboardingRuntime = {
      stripe,
      get publicUrl() {
        return env.PUBLIC_URL ?? serverUrl;
      },
      kick: (sessionId) => onboardingRunner.kick(sessionId),
    };
    const ai: AiRuntime = {
      openai: createOpenAIClient({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL }),
      sessionIdleMs: env.AGENT_SESSION_IDLE_MINUTES * 60_000,
      // Tenants' own endpoints: the outbound policy, and their keys sealed with SECRETS_KEY (or,
      // with the embedded database, a key kept in the data directory; never in the database).
      outbound: new OutboundPolicy({ allowedHosts: env.OUTBOUND_ALLOWED_HOSTS, connectTimeoutMs: 5_000 }),
      secrets,
    };
    if (!ai.secrets) log.warn("no SECRETS_KEY: agents cannot save their own AI provider keys");
    if (!ai.openai) log.warn("no OPENAI_API_KEY or OPENAI_BASE_URL: AI features are off");
    // Every periodic job (request expiry, idle agent sessions, coaching's summaries and embedding
    // backfill) is a graphile-worker cron task; the worker runs with AI off too.
    jobWorker = await startBackgroundJobs({
      databaseUrl: database.url,
      db: database.db,
      events,
      openai: ai.openai,
      log: log.child({ component: "jobs" }),
      requestExpiryMs: env.REQUEST_EXPIRY_MINUTES * 60 * 1000,
      agentSessionIdleMs: ai.sessionIdleMs,
    });
    throttlePool = createThrottlePool(database.url, log.child({ component: "throttle" }));
    // Built once: every call's context is these services and its own connection.
    const services: Services = {
      db: database.db,
      log,
      events,
      onboarding,
      ai,
      jobs: jobWorker.queue,
      throttle: new Throttle(throttlePool, env.THROTTLE_LIMITS ? { limits: env.THROTTLE_LIMITS } : {}),
      sessionTtlDays: env.SESSION_TTL_DAYS,
      serviceSessions: { joinWithinMs: env.SESSION_JOIN_MINUTES * 60_000, iceServers: env.ICE_SERVERS ?? [] },
    };
    server = await startServer(
      {
        services,
        databaseUrl: database.url,
        dashboardDist: env.DASHBOARD_DIST ?? defaultDashboardDist,
        stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET,
        trustedProxyHops: env.TRUSTED_PROXY_HOPS,
        directFrames: env.LIVE_DIRECT_FRAMES,
      },
      { port: env.PORT, host: env.HOST },
    );
    serverUrl = server.url;
    onboardingRunner.start();
  } catch (error) {
    if (error instanceof SchemaNotReadyError) {
      log.fatal(error.report);
      console.error(error.message);
    } else {
      log.fatal({ err: error }, "failed to start");
      // Said plainly too: the operator can fix this one (a directory's permissions).
      if (error instanceof EmbeddedPostgresAccessError) console.error(error.message);
    }
    await runner?.stop().catch(() => {});
    await jobWorker?.stop().catch(() => {});
    await events?.stop().catch(() => {});
    await throttlePool?.end().catch(() => {});
    await database?.close().catch(() => {});
    process.exit(1);
  }

  const readyMs = Math.round(performance.now() - started);
  log.info({ url: server.url, readyMs, embeddedDatabase: database.embedded }, "ready");
  const lines = [`\nSwitchboard is ready at ${server.url}  (${readyMs} ms)`];
  if (env.SEED_DEMO_DATA ?? database.embedded) lines.push(`Demo accounts (local demo data):\n${formatDemoAccounts()}`);
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
