// The project's own migration runner. Prisma's `migrate deploy` needs a native schema
// engine that cannot be downloaded on our machines, so this applies the same
// prisma/migrations folders and keeps Prisma's `_prisma_migrations` bookkeeping (name,
// sha256 checksum, started/finished, logs) so both tools agree about what is applied.
//
// Differences from `migrate deploy`, on purpose: each migration runs inside a transaction
// (a failure leaves nothing half-applied), and a migration this runner recorded as failed is
// retried on the next run because its transaction guarantees nothing of it remains.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { assertSupportedDatabaseUrl } from "./database-url.ts";
import { repoRoot } from "./schema-model.ts";
import { findTransactionControl } from "./transaction-control.ts";

export const migrationsDir = path.join(repoRoot, "prisma/migrations");

/** The advisory lock key Prisma's own migrate commands take, so the two never run at once. */
const MIGRATION_LOCK_KEY = 72707369;
/** Marks failures recorded by this runner (safe to retry: their transaction rolled back). */
export const RUNNER_LOG_PREFIX = "switchboard-migrate:";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  id: string;
  migrationName: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** A migration problem an operator must act on; the message says what and how. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string | null,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

export function readMigrationFiles(dir = migrationsDir): MigrationFile[] {
  return readdirSync(dir)
    .filter((entry) => statSync(path.join(dir, entry)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    });
}

const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function readAppliedMigrations(client: pg.ClientBase): Promise<AppliedMigration[] | null> {
  const exists = await client.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`,
  );
  if (!exists.rows[0]?.exists) return null;
  const { rows } = await client.query<AppliedMigration>(
    `SELECT id, migration_name AS "migrationName", checksum, finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt", logs
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows;
}

/** Which migration files are not yet applied (or were edited after being applied). */
export function pendingMigrations(files: MigrationFile[], applied: AppliedMigration[] | null): MigrationFile[] {
  const done = new Set((applied ?? []).filter((m) => m.finishedAt && !m.rolledBackAt).map((m) => m.migrationName));
  return files.filter((f) => !done.has(f.name));
}

function verifyHistory(files: MigrationFile[], applied: AppliedMigration[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const record of applied) {
    if (record.rolledBackAt) continue;
    const file = byName.get(record.migrationName);
    if (!file) {
      if (record.finishedAt) {
        throw new MigrationError(
          `The database has migration ${record.migrationName} applied, but prisma/migrations has no such folder. ` +
            "This database was migrated by a newer or different version of Switchboard; use that version, or restore the missing migration folder.",
          record.migrationName,
        );
      }
      continue;
    }
    if (!record.finishedAt) {
      if (record.logs?.startsWith(RUNNER_LOG_PREFIX)) continue; // rolled back by its transaction: retried below
      throw new MigrationError(
        `Migration ${record.migrationName} started earlier but never finished (it may have been applied partly by another tool). ` +
          `Inspect the database, then mark it rolled back with \`pnpm db:migrate resolve --rolled-back ${record.migrationName}\` and run \`pnpm db:migrate\` again.`,
        record.migrationName,
      );
    }
    if (record.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${record.migrationName} was edited after it was applied (checksum ${record.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Applied migrations must never change: restore the original migration.sql ` +
          "and put the change in a new migration folder.",
        record.migrationName,
      );
    }
  }
}

/**
 * Why the runner will not run this migration, or null. A migration with its own BEGIN/COMMIT
 * would end the runner's transaction part-way: what ran before its COMMIT stays committed even
 * when a later statement fails, and the runner could no longer say "rolled back, unchanged".
 * Refusing it before any of it runs keeps that promise; the runner's transaction already gives
 * the migration the atomicity such statements are usually written for.
 */
export function refusalOf(file: MigrationFile): string | null {
  const statements = findTransactionControl(file.sql);
  if (!statements.length) return null;
  const where = statements.map((s) => `${s.keyword} on line ${s.line}`).join(", ");
  return (
    `Migration ${file.name} controls its own transaction (${where}), so it was not run: ` +
    "`pnpm db:migrate` runs every migration inside a transaction of its own, and a COMMIT or BEGIN in the file would commit part of it " +
    `even if a later statement failed. Remove those statements from prisma/migrations/${file.name}/migration.sql ` +
    "(the migration still runs all-or-nothing) and run `pnpm db:migrate` again. Statements that cannot run inside a transaction " +
    "(CREATE INDEX CONCURRENTLY, VACUUM) are not supported by this runner."
  );
}

/**
 * Applies every pending migration in order, each in its own transaction, holding Prisma's
 * migration advisory lock so concurrent server starts never apply one twice.
 */
export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  assertSupportedDatabaseUrl(databaseUrl);
  const files = readMigrationFiles(options.dir);
  const log = options.log ?? (() => {});
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_BOOKKEEPING);
    const applied = (await readAppliedMigrations(client)) ?? [];
    verifyHistory(files, applied);
    const pending = pendingMigrations(files, applied);
    // Checked for every pending migration before the first one runs, so a refused migration
    // never leaves the run half-way through the list.
    for (const file of pending) {
      const refusal = refusalOf(file);
      if (refusal) throw new MigrationError(refusal, file.name);
    }
    const result: MigrateResult = {
      applied: [],
      alreadyApplied: files.filter((f) => !pending.includes(f)).map((f) => f.name),
    };

    for (const file of pending) {
      // A failure this runner recorded earlier left nothing behind; retire its record and retry.
      await client.query(
        `UPDATE "_prisma_migrations" SET rolled_back_at = now()
          WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL AND logs LIKE $2`,
        [file.name, `${RUNNER_LOG_PREFIX}%`],
      );
      const id = randomUUID();
      await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [
        id,
        file.checksum,
        file.name,
      ]);
      try {
        await client.query("BEGIN");
        await client.query(file.sql);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        // Our ROLLBACK undoes all of the migration only if our transaction is still open.
        // If the file ended it itself (refusalOf missed it), PostgreSQL answers the ROLLBACK
        // with "there is no transaction in progress" (25P01), and what ran before the file's
        // COMMIT is in the database: we must not claim otherwise. (pg's transaction status
        // is not yet updated when a failed query rejects, so the notice is the reliable sign.)
        const ours = await rollBackIfOpen(client);
        await recordFailure(client, id, ours, detail);
        if (ours) {
          throw new MigrationError(
            `Migration ${file.name} failed and was rolled back, so the database is unchanged by it: ${detail}. ` +
              `Fix prisma/migrations/${file.name}/migration.sql (it has not been applied anywhere yet) and run \`pnpm db:migrate\` again.`,
            file.name,
          );
        }
        throw partlyApplied(file.name, detail);
      }
      if (client.getTransactionStatus() !== "T") {
        await recordFailure(client, id, false, "the migration ended the runner's transaction itself");
        throw partlyApplied(file.name, "it ended the runner's transaction itself");
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
        id,
      ]);
      await client.query("COMMIT");
      log(`applied ${file.name}`);
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/** Sends ROLLBACK; true when it ended a transaction that was still open. */
async function rollBackIfOpen(client: pg.Client): Promise<boolean> {
  let noTransaction = false;
  const onNotice = (notice: { code?: string }) => {
    if (notice.code === "25P01") noTransaction = true;
  };
  client.on("notice", onNotice);
  try {
    await client.query("ROLLBACK");
  } finally {
    client.off("notice", onNotice);
  }
  return !noTransaction;
}

/**
 * Records a failed run. Only a failure whose transaction was rolled back gets the runner's
 * prefix (which makes it safe to retry); a partly applied one must be looked at by a person.
 */
async function recordFailure(client: pg.Client, id: string, rolledBack: boolean, detail: string): Promise<void> {
  await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [
    id,
    rolledBack ? `${RUNNER_LOG_PREFIX} ${detail}` : `partly applied: ${detail}`,
  ]);
}

function partlyApplied(name: string, detail: string): MigrationError {
  return new MigrationError(
    `Migration ${name} was NOT rolled back as a whole: ${detail}. Its statements up to its own COMMIT are in the database; ` +
      "the rest may not be. Inspect the database and finish or undo the change by hand, remove BEGIN/COMMIT from the file, " +
      `then run \`pnpm db:migrate resolve --rolled-back ${name}\` and \`pnpm db:migrate\`.`,
    name,
  );
}

/** `prisma migrate resolve --rolled-back` equivalent, for a failure left by another tool. */
export async function markRolledBack(databaseUrl: string, migrationName: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName],
    );
    return (result.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}
