// Environment variables, parsed once at start by one zod schema. A bad or missing variable
// stops the process with a message naming it. Every variable is documented in .env.example.
import { iceServersSchema, THROTTLE_BUCKETS } from "@switchboard/api";
import { parseAllowedHosts } from "@switchboard/integrations";
import { z } from "zod";

/** A variable holding JSON: parsed here, then checked by the schema it is piped into. */
const jsonText = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: "custom", message: "must be JSON" });
    return z.NEVER;
  }
});

const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// connection URL")
    .optional(),
  SWITCHBOARD_DATA_DIR: z.string().min(1).optional(),
  MIGRATE_ON_START: flag.optional(),
  SEED_DEMO_DATA: flag.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  EVENT_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(24),
  REQUEST_EXPIRY_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** A mechanic who accepted a request and has not joined its session by then releases it (unattended). */
  SESSION_JOIN_MINUTES: z.coerce.number().positive().max(120).default(5),
  /** JSON array of RTCIceServer objects for video sessions, e.g. [{"urls":"stun:stun.example.com:3478"}]. */
  ICE_SERVERS: jsonText.pipe(iceServersSchema).optional(),
  DASHBOARD_DIST: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z.string().startsWith("sk_").optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
  STRIPE_API_BASE: z.url().optional(),
  /** Where people reach the dashboard (Stripe returns them there); default: this server's URL. */
  PUBLIC_URL: z.url().optional(),
  RESEARCH_SERVICE_URL: z.url().optional(),
  ONBOARDING_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  ONBOARDING_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  ONBOARDING_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(30),
  ONBOARDING_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Agent chat sessions idle this long are expired. */
  AGENT_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  OPENAI_BASE_URL: z.url().optional(),
  /** 32 bytes in base64: seals what tenants entrust us with (their own AI provider keys). */
  SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
  /** host or host:port, comma-separated: tenants' AI endpoints allowed over http:// and on private addresses. */
  OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .refine((v) => {
      try {
        parseAllowedHosts(v);
        return true;
      } catch {
        return false;
      }
    }, "must be host or host:port entries separated by commas (IPv6 as [::1]:8080)")
    .optional(),
  /** A transaction holding live events back this long is named in a warning (pid, application). */
  EVENT_HELD_BACK_WARN_MS: z.coerce.number().int().min(100).max(3_600_000).default(2_000),
  /** Bounded waits on the application's database connections (packages/db client.ts). */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(3_000),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** Live events written to WebSockets as finished frames, encoded once (false: through tRPC's own loop). */
  LIVE_DIRECT_FRAMES: flag.default(true),
  /** Proxies in front of the server whose X-Forwarded-For is believed (0: clients connect directly). */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  /** JSON: other limits for throttling buckets, e.g. {"signUpClient":{"points":50,"seconds":3600}}. */
  THROTTLE_LIMITS: jsonText
    .pipe(
      z.partialRecord(
        z.enum(THROTTLE_BUCKETS),
        z.strictObject({
          points: z.number().int().min(1).max(1_000_000),
          seconds: z
            .number()
            .int()
            .min(1)
            .max(30 * 24 * 60 * 60),
        }),
      ),
    )
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}\nSee .env.example for every variable.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // Empty strings mean "unset" (a blank line in .env must not become an invalid value).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return result.data;
}

/** LIVE_DIRECT_FRAMES alone, for servers started without the whole environment (tests, benchmarks). */
export function liveDirectFrames(source: NodeJS.ProcessEnv): boolean {
  return parseEnv({ LIVE_DIRECT_FRAMES: source.LIVE_DIRECT_FRAMES }).LIVE_DIRECT_FRAMES;
}
