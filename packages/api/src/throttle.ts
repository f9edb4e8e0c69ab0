// Throttling for what strangers can reach: guessing passwords, signing up, opening and flooding
// public agent sessions. The counters live in PostgreSQL (table rate_limits) through
// rate-limiter-flexible's PostgreSQL store, so every server instance shares them and a restart
// forgets nothing; no new service. Each attempt is ONE atomic upsert that counts it first and is
// refused when over the limit, so a thousand attempts in one batch or on a thousand sockets are
// still counted one by one (a read-then-write check would let them all through at once).
import { createHash } from "node:crypto";
import pg from "pg";
import type pino from "pino";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { appError } from "./errors.ts";

/**
 * The buckets, with why each limit is what it is. `points` attempts per `seconds`; an attempt
 * over the limit waits until its window ends (Retry-After says how long).
 */
const bucketLimits = {
  // One client guessing one account's password: five tries, then a pause of up to 15 minutes;
  // fifteen tries in six hours, then a pause of up to six hours (the backoff). A successful
  // sign-in clears both, so the owner's own typos never add up.
  signInAccountClient: { points: 5, seconds: 15 * 60 },
  signInAccountClientLong: { points: 15, seconds: 6 * 60 * 60 },
  // Many clients guessing one account: bounded to 30 failures an hour in all. Clients that have
  // signed in to the account before are exempt, so an attacker cannot lock its owner out.
  signInAccount: { points: 30, seconds: 60 * 60 },
  // One client trying many accounts (credential stuffing).
  signInClient: { points: 60, seconds: 15 * 60 },
  signUpClient: { points: 10, seconds: 60 * 60 },
  // Public agent sessions: each session has its own per-message limit; these keep one client
  // from opening hundreds of sessions to get around it.
  agentSessionsClient: { points: 30, seconds: 10 * 60 },
  agentMessagesClient: { points: 120, seconds: 60 },
  // Service sessions' chat, per participant of a session: a person types well under one message
  // a second; 150 a minute (2.5/s sustained, bursts of as many) stops a flood and never a chat.
  sessionMessagesParticipant: { points: 150, seconds: 60 },
} as const satisfies Record<string, { points: number; seconds: number }>;

export type ThrottleBucket = keyof typeof bucketLimits;
export const THROTTLE_BUCKETS = Object.keys(bucketLimits) as ThrottleBucket[];

/** How long a client that signed in to an account counts as that account's known client. */
const KNOWN_CLIENT_SECONDS = 30 * 24 * 60 * 60;

const waitingMessage: Record<ThrottleBucket, string> = {
  signInAccountClient: "Too many sign-in attempts for this account.",
  signInAccountClientLong: "Too many sign-in attempts for this account.",
  signInAccount: "Too many sign-in attempts for this account.",
  signInClient: "Too many sign-in attempts from your network.",
  signUpClient: "Too many new accounts from your network.",
  agentSessionsClient: "Too many chats started from your network.",
  agentMessagesClient: "Too many messages from your network.",
  sessionMessagesParticipant: "You're sending messages too quickly.",
};

function inWords(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, seconds)} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

function rateLimitedError(bucket: ThrottleBucket, retryAfterSeconds: number) {
  return appError(
    "RATE_LIMITED",
    `${waitingMessage[bucket]} Please wait ${inWords(retryAfterSeconds)} and try again.`,
    {
      retryAfterSeconds,
    },
  );
}

/** Keys are hashed: the table holds no email addresses, and every key fits varchar(255). */
const digest = (text: string) => createHash("sha256").update(text).digest("base64url").slice(0, 32);

export interface ThrottleOptions {
  /** Override limits (THROTTLE_LIMITS; tests use small ones). */
  limits?: Partial<Record<ThrottleBucket, { points: number; seconds: number }>>;
}

export class Throttle {
  readonly #limiters: Record<ThrottleBucket, RateLimiterPostgres>;
  readonly #knownClients: RateLimiterPostgres;

  /**
   * `pool` is this process's small pool for throttling (its own, so a hot table in the main pool
   * never makes sign-in wait for a connection).
   */
  constructor(pool: pg.Pool, options: ThrottleOptions = {}) {
    const store = (keyPrefix: string, points: number, duration: number, clearExpired = false) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: "pool",
        tableName: "rate_limits",
        // The table is the migration's (prisma/schema.prisma RateLimit), never the library's.
        tableCreated: true,
        keyPrefix,
        points,
        duration,
        // One limiter deletes rows whose window ended over an hour ago (every 5 minutes, an
        // unref'd timer of the library's own) for the whole table.
        clearExpiredByTimeout: clearExpired,
      });
    const entries = Object.entries(bucketLimits).map(([bucket, fallback], index) => {
      const limit = options.limits?.[bucket as ThrottleBucket] ?? fallback;
      return [bucket, store(bucket, limit.points, limit.seconds, index === 0)] as const;
    });
    this.#limiters = Object.fromEntries(entries) as Record<ThrottleBucket, RateLimiterPostgres>;
    this.#knownClients = store("signInKnownClient", 1, KNOWN_CLIENT_SECONDS);
  }

  /** Counts one attempt; throws RATE_LIMITED (with Retry-After) when the bucket is over its limit. */
  async consume(bucket: ThrottleBucket, who: string): Promise<void> {
    try {
      await this.#limiters[bucket].consume(digest(who));
    } catch (refused) {
      if (refused instanceof RateLimiterRes) throw rateLimitedError(bucket, Math.ceil(refused.msBeforeNext / 1000));
      throw refused;
    }
  }

  /**
   * Counts a sign-in attempt before the password is checked. Returns what to call once the
   * outcome is known.
   */
  async signInAttempt(email: string, client: string) {
    const account = `account:${email}`;
    const pair = `${account}|client:${client}`;
    const known = (await this.#knownClients.get(digest(pair))) !== null;
    await this.consume("signInClient", `client:${client}`);
    await this.consume("signInAccountClient", pair);
    await this.consume("signInAccountClientLong", pair);
    if (!known) await this.consume("signInAccount", account);
    return {
      succeeded: async () => {
        await this.#limiters.signInAccountClient.delete(digest(pair));
        await this.#limiters.signInAccountClientLong.delete(digest(pair));
        await this.#knownClients.set(digest(pair), 1, KNOWN_CLIENT_SECONDS);
      },
    };
  }
}

/**
 * The throttling pool: two connections, bounded waits (a throttle check never hangs a sign-in).
 * An idle connection the server ends (a restart, an administrator) is reported and replaced on
 * the next check; without a listener node-postgres would crash the process with it.
 */
export function createThrottlePool(databaseUrl: string, log?: pino.Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 5_000,
    application_name: "switchboard-throttle",
  });
  pool.on("error", (error) => log?.warn({ err: error }, "an idle throttling connection was closed; it is replaced"));
  return pool;
}
