import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEmptyTestDatabase } from "@switchboard/testing";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
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

  it("lets only one of two concurrent runners apply a migration", async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied]).toEqual(readMigrationFiles().map((f) => f.name));
    const rows = await query(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(readMigrationFiles().length);
  });
});
