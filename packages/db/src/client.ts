import pg from "pg";
import { CommitStatementsPg, withCommitStatements } from "./commit-statements.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Database = PrismaClient;
/** The client handed to a Prisma interactive transaction callback. */
export type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface DatabaseOptions {
  /** Connection pool size for this process (node-postgres `max`). */
  poolSize?: number;
  /** Longest one statement may run (PostgreSQL statement_timeout). */
  statementTimeoutMs?: number;
  /** Longest a statement waits for a row or table lock (lock_timeout). */
  lockTimeoutMs?: number;
  /** Longest a caller waits for a free connection from the pool. */
  connectionWaitMs?: number;
}

/** Defaults that keep one locked table from holding the whole pool (DB_*_MS in .env.example). */
export const DATABASE_TIMEOUT_DEFAULTS = { statementTimeoutMs: 15_000, lockTimeoutMs: 3_000, connectionWaitMs: 5_000 };

/**
 * A Prisma client over node-postgres (no native engine). One per process, closed with `$disconnect()`.
 * Every connection bounds its waits: a statement stuck behind someone else's lock gives up after
 * lockTimeoutMs (55P03), a runaway one after statementTimeoutMs (57014), and a transaction left
 * idle after a minute is ended by the server; the API answers each with TRY_AGAIN. Without
 * them an intake behind a locked table waited as long as the lock was held, and as the pool filled
 * up, sign-in and everything else waited too.
 */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const limits = { ...DATABASE_TIMEOUT_DEFAULTS, ...options };
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    statement_timeout: limits.statementTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: limits.connectionWaitMs,
    application_name: "switchboard",
  });
  const adapter = new CommitStatementsPg(pool, { disposeExternalPool: true });
  const db = withCommitStatements(new PrismaClient({ adapter }));
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Database, pg.Pool>();

/**
 * How busy a database's connection pool is: /healthz says "busy" when callers are waiting for a
 * connection (the database answers, but this instance cannot take more work right now).
 */
export function poolStats(db: Database): { size: number; max: number; idle: number; waiting: number } | null {
  const pool = pools.get(db);
  if (!pool) return null;
  return { size: pool.totalCount, max: pool.options.max ?? 10, idle: pool.idleCount, waiting: pool.waitingCount };
}
