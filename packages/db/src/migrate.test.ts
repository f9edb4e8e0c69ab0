import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyTestDatabase } from "../test/test-database.ts";
import { locateDatabase, UnsupportedDatabaseUrlError } from "./database-url.ts";
import { checkDrift } from "./drift.ts";
import { MigrationError, migrate, migrationsDir, readMigrationFiles } from "./migrate.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDatabase() {
  const database = await createEmptyTestDatabase();
  cleanups.push(database.drop);
  return database.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sb-migrations-"));
  await cp(migrationsDir, dir, { recursive: true });
  return dir;
}

describe("migrate", () => {
  it("applies every migration to an empty database and leaves no drift", async () => {
    const url = await emptyDatabase();
    const result = await migrate(url);
    expect(result.applied).toEqual(readMigrationFiles().map((f) => f.name));
    const report = await checkDrift(url);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("keeps Prisma's _prisma_migrations bookkeeping (checksum, finished, steps)", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(url, `SELECT migration_name, checksum, finished_at, applied_steps_count, logs FROM "_prisma_migrations"`);
    const files = readMigrationFiles();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(files[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  it("is a no-op when run again", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const before = await query(url, `SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id`);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(before.length);
    expect(await query(url, `SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id`)).toEqual(before);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { dir });
    const [first] = readMigrationFiles(dir);
    const file = path.join(dir, first!.name, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\nALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n`);

    const error = await migrate(url, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain(`Migration ${first!.name} was edited after it was applied`);
    const columns = await query(
      url,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'`,
    );
    expect(columns).toHaveLength(0);
  });

  it("rolls back a failing migration, records it, stops, and retries it once fixed", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    const broken = path.join(dir, "29990101000000_broken");
    const later = path.join(dir, "29990102000000_later");
    await mkdir(broken);
    await mkdir(later);
    await writeFile(
      path.join(broken, "migration.sql"),
      `CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
    );
    await writeFile(path.join(later, "migration.sql"), `CREATE TABLE "after_broken" ("id" INTEGER);\n`);

    const error = await migrate(url, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe("29990101000000_broken");
    expect((error as MigrationError).message).toMatch(/failed and was rolled back.*no_such_table/);
    expect(await query(url, `SELECT to_regclass('half_done') AS t, to_regclass('after_broken') AS u`)).toEqual([
      { t: null, u: null },
    ]);
    const [record] = await query<{ finished_at: Date | null; logs: string }>(
      url,
      `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
    );
    expect(record!.finished_at).toBeNull();
    expect(record!.logs).toContain("no_such_table");

    await writeFile(path.join(broken, "migration.sql"), `CREATE TABLE "half_done" ("id" INTEGER);\n`);
    const retried = await migrate(url, { dir });
    expect(retried.applied).toEqual(["29990101000000_broken", "29990102000000_later"]);
  });

  it("refuses a migration with its own BEGIN/COMMIT before running any of it", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { dir });
    const own = path.join(dir, "29990101000000_own_transaction");
    const later = path.join(dir, "29990102000000_later");
    await mkdir(own);
    await mkdir(later);
    // Before the fix, the runner ran this, reported "rolled back, unchanged", and left
    // "committed_part" in the database.
    await writeFile(
      path.join(own, "migration.sql"),
      `BEGIN;\nCREATE TABLE "committed_part" ("id" INTEGER);\nCOMMIT;\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
    );
    await writeFile(path.join(later, "migration.sql"), `CREATE TABLE "after_it" ("id" INTEGER);\n`);

    const error = await migrate(url, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe("29990101000000_own_transaction");
    expect((error as MigrationError).message).toContain(
      "Migration 29990101000000_own_transaction controls its own transaction (BEGIN on line 1, COMMIT on line 3), so it was not run",
    );
    expect(await query(url, `SELECT to_regclass('committed_part') AS t, to_regclass('after_it') AS u`)).toEqual([
      { t: null, u: null },
    ]);
    // Nothing started, so nothing is recorded: Prisma's own tools see no failed migration either.
    expect(await query(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name LIKE '2999%'`)).toHaveLength(0);

    await writeFile(path.join(own, "migration.sql"), `CREATE TABLE "committed_part" ("id" INTEGER);\n`);
    expect((await migrate(url, { dir })).applied).toEqual(["29990101000000_own_transaction", "29990102000000_later"]);
  });

  it("tells the truth when a migration ends the runner's transaction in a way the scan cannot see", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { dir });
    // With standard_conforming_strings off (set by an earlier migration on the same session),
    // 'a\'' is a whole string to PostgreSQL, but to a reader assuming the default the string runs
    // on and hides the COMMIT. The runner notices its transaction is gone afterwards.
    const setting = path.join(dir, "29990101000000_old_strings");
    const hidden = path.join(dir, "29990102000000_hidden_commit");
    await mkdir(setting);
    await mkdir(hidden);
    await writeFile(path.join(setting, "migration.sql"), "SET standard_conforming_strings = off;\n");
    await writeFile(
      path.join(hidden, "migration.sql"),
      `SELECT 'a\\''; CREATE TABLE "committed_part" ("id" INTEGER); COMMIT; ALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER; SELECT 'x';\n`,
    );

    const error = await migrate(url, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe("29990102000000_hidden_commit");
    expect((error as MigrationError).message).toMatch(/was NOT rolled back as a whole.*no_such_table/);
    expect((error as MigrationError).message).not.toContain("unchanged");
    expect(await query(url, `SELECT to_regclass('committed_part') AS t`)).toEqual([{ t: "committed_part" }]);
    // Recorded as unfinished without the runner's "safe to retry" mark: the next run stops
    // and asks for a person instead of running it again on top of its committed half.
    const again = await migrate(url, { dir }).catch((e: unknown) => e);
    expect((again as MigrationError).message).toContain("started earlier but never finished");
    const report = await checkDrift(url, { migrations: readMigrationFiles(dir) });
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "migration-failed",
          object: "29990102000000_hidden_commit",
          message: expect.stringContaining("part of it may be in the database"),
        }),
      ]),
    );
    expect(report.fix).toContain("pnpm db:migrate resolve --rolled-back 29990102000000_hidden_commit");
  });

  it("refuses a DATABASE_URL naming a schema other than public", async () => {
    const url = await emptyDatabase();
    const error = await migrate(`${url}${url.includes("?") ? "&" : "?"}schema=tenant_a`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDatabaseUrlError);
    expect((error as Error).message).toMatch(/asks for schema "tenant_a".*only uses the "public" schema/);
    expect(await query(url, `SELECT to_regclass('"_prisma_migrations"') AS t`)).toEqual([{ t: null }]);
    await expect(locateDatabase({ databaseUrl: `${url}?schema=tenant_a` })).rejects.toThrow(
      UnsupportedDatabaseUrlError,
    );
  });

  it("lets only one of two concurrent runners apply a migration", async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied]).toEqual(readMigrationFiles().map((f) => f.name));
    const rows = await query(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(readMigrationFiles().length);
  });
});
