import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/test-database.ts";
import { UnsupportedDatabaseUrlError } from "./database-url.ts";
import { checkDrift, formatDriftReport } from "./drift.ts";
import { checksumOf, readMigrationFiles } from "./migrate.ts";
import { loadExpectedSchema, schemaPath, sqlOnlyPath } from "./schema-model.ts";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

const alter = (sql: string) => database.db.$executeRawUnsafe(sql);

describe("drift check", () => {
  it("passes on a freshly migrated database", async () => {
    const report = await checkDrift(database.url);
    expect(report).toMatchObject({ ok: true, differences: [], pendingMigrations: [], fix: null, fixSql: null });
  });

  it("names a dropped column and the fix, with the statement that adds it back", async () => {
    await alter(`ALTER TABLE "session_requests" DROP COLUMN "metadata"`);
    const report = await checkDrift(database.url);
    expect(report.ok).toBe(false);
    const addColumn = `ALTER TABLE "session_requests" ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';`;
    expect(report.differences).toEqual([
      {
        kind: "column-missing",
        object: "session_requests.metadata",
        message: "column session_requests.metadata is missing (expected jsonb NOT NULL)",
        sql: addColumn,
      },
    ]);
    expect(report.fixSql).toBe(addColumn);
    expect(formatDriftReport(report)).toMatch(
      /session_requests\.metadata[\s\S]*Fix: .*pnpm db:migrate.*\n {4}ALTER TABLE/,
    );

    // The printed statement really is the fix.
    await alter(addColumn);
    expect((await checkDrift(database.url)).ok).toBe(true);
  });

  it("names a missing table", async () => {
    await alter(`DROP TABLE "agent_messages"`);
    const report = await checkDrift(database.url);
    expect(report.differences).toEqual([expect.objectContaining({ kind: "table-missing", object: "agent_messages" })]);
  });

  it("names an enum value the code uses but the database lacks", async () => {
    await alter(`ALTER TYPE "SessionRequestStatus" RENAME VALUE 'expired' TO 'timed_out'`);
    const messages = (await checkDrift(database.url)).differences.map((d) => d.message);
    expect(messages).toContain("enum SessionRequestStatus lacks value(s) 'expired'");
    expect(messages).toContain("enum SessionRequestStatus has value(s) not in schema.prisma: 'timed_out'");
  });

  it("prints ALTER TYPE … ADD VALUE for an enum value the database lacks", async () => {
    const expected = loadExpectedSchema();
    expected.enums.get("SessionRequestStatus")!.push("on_hold");
    const report = await checkDrift(database.url, { expected });
    expect(report.differences).toEqual([
      {
        kind: "enum-values",
        object: "SessionRequestStatus",
        message: "enum SessionRequestStatus lacks value(s) 'on_hold'",
        sql: `ALTER TYPE "SessionRequestStatus" ADD VALUE 'on_hold';`,
      },
    ]);
    expect(formatDriftReport(report)).toContain(`    ALTER TYPE "SessionRequestStatus" ADD VALUE 'on_hold';`);
    await alter(report.fixSql!);
    expect((await checkDrift(database.url, { expected })).ok).toBe(true);
  });

  it("detects type, nullability and default changes", async () => {
    await alter(`ALTER TABLE "agent_messages" ALTER COLUMN "latency_ms" TYPE BIGINT`);
    await alter(`ALTER TABLE "users" ALTER COLUMN "name" DROP NOT NULL`);
    await alter(`ALTER TABLE "session_requests" ALTER COLUMN "metadata" DROP DEFAULT`);
    const byObject = new Map(
      (await checkDrift(database.url)).differences.map((d) => [`${d.kind}:${d.object}`, d.message]),
    );
    expect(byObject.get("column-type:agent_messages.latency_ms")).toBe(
      "column agent_messages.latency_ms is bigint, schema.prisma expects integer",
    );
    expect(byObject.get("column-nullability:users.name")).toBe(
      "column users.name is nullable, schema.prisma expects NOT NULL",
    );
    expect(byObject.get("column-default:session_requests.metadata")).toBe(
      "column session_requests.metadata has default (none), schema.prisma expects {}",
    );
    expect(byObject.size).toBe(3);
  });

  it("detects foreign keys that are missing or point elsewhere", async () => {
    await alter(`ALTER TABLE "session_requests" DROP CONSTRAINT "session_requests_mechanic_id_fkey"`);
    await alter(
      `ALTER TABLE "session_requests" ADD CONSTRAINT "session_requests_mechanic_id_fkey" FOREIGN KEY ("mechanic_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE`,
    );
    await alter(`ALTER TABLE "memberships" DROP CONSTRAINT "memberships_user_id_fkey"`);
    const differences = (await checkDrift(database.url)).differences;
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "foreign-key-different",
          object: "session_requests.mechanic_id",
          message: expect.stringContaining("→ users(id)"),
        }),
        expect.objectContaining({ kind: "foreign-key-missing", object: "memberships.user_id" }),
      ]),
    );
    expect(differences).toHaveLength(2);
  });

  it("detects missing, changed and unknown indexes, including the partial unique index", async () => {
    await alter(`DROP INDEX "session_requests_one_open_per_customer"`);
    await alter(`DROP INDEX "session_requests_status_created_at_id_idx"`);
    await alter(
      `CREATE INDEX "session_requests_status_created_at_id_idx" ON "session_requests"("status", "created_at", "id")`,
    );
    await alter(`CREATE INDEX "users_name_idx" ON "users"("name")`);
    const kinds = (await checkDrift(database.url)).differences.map((d) => `${d.kind}:${d.object}`).sort();
    expect(kinds).toEqual([
      "index-different:session_requests.session_requests_status_created_at_id_idx",
      "index-extra:users.users_name_idx",
      "index-missing:session_requests.session_requests_one_open_per_customer",
    ]);
  });

  it("reports CHECK constraints and triggers that nothing declares, and accepts them once declared", async () => {
    await alter(`ALTER TABLE "goals" ADD CONSTRAINT "goals_progress_range" CHECK ("progress" BETWEEN 0 AND 100)`);
    await alter(
      `CREATE FUNCTION "shout_name"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name = upper(NEW.name); RETURN NEW; END $$`,
    );
    await alter(
      `CREATE TRIGGER "users_shout_name" BEFORE INSERT ON "users" FOR EACH ROW EXECUTE FUNCTION "shout_name"()`,
    );
    const report = await checkDrift(database.url);
    expect(report.differences).toHaveLength(2);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        {
          kind: "check-extra",
          object: "goals.goals_progress_range",
          message: expect.stringMatching(
            /^constraint goals_progress_range CHECK .*progress.* on goals is not in prisma\/sql-only\.json$/,
          ),
          sql: `ALTER TABLE "goals" DROP CONSTRAINT "goals_progress_range";`,
        },
        {
          kind: "trigger-extra",
          object: "users.users_shout_name",
          message: expect.stringContaining("trigger users_shout_name on users is not in prisma/sql-only.json"),
          sql: `DROP TRIGGER "users_shout_name" ON "users";`,
        },
      ]),
    );

    // Declared in sql-only.json with PostgreSQL's own spelling, they are expected instead.
    const sqlOnly = path.join(await mkdtemp(path.join(os.tmpdir(), "sb-sql-only-")), "sql-only.json");
    const definitions = await database.db.$queryRawUnsafe<{ check: string; trigger: string }[]>(
      `SELECT (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'goals_progress_range') AS "check",
              (SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'users_shout_name') AS "trigger"`,
    );
    const projectSqlOnly = JSON.parse(await readFile(sqlOnlyPath, "utf8"));
    const declared = {
      indexes: projectSqlOnly.indexes,
      checks: [
        ...projectSqlOnly.checks,
        { table: "goals", name: "goals_progress_range", definition: definitions[0]!.check },
      ],
      triggers: [{ table: "users", name: "users_shout_name", definition: definitions[0]!.trigger }],
    };
    await writeFile(sqlOnly, JSON.stringify(declared));
    const expected = loadExpectedSchema(schemaPath, sqlOnly);
    expect((await checkDrift(database.url, { expected })).differences).toEqual([]);

    // …and their absence is then a difference, fixed by the declared definitions.
    await alter(`ALTER TABLE "goals" DROP CONSTRAINT "goals_progress_range"`);
    await alter(`DROP TRIGGER "users_shout_name" ON "users"`);
    const missing = await checkDrift(database.url, { expected });
    expect(missing.differences.map((d) => `${d.kind}:${d.object}`).sort()).toEqual([
      "check-missing:goals.goals_progress_range",
      "trigger-missing:users.users_shout_name",
    ]);
    await alter(missing.fixSql!);
    expect((await checkDrift(database.url, { expected })).ok).toBe(true);
  });

  it("names an applied migration whose file was edited afterwards", async () => {
    const files = readMigrationFiles();
    const edited = files.map((f, i) => {
      if (i !== 1) return f;
      const sql = `${f.sql}\nALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n`;
      return { ...f, sql, checksum: checksumOf(sql) };
    });
    const report = await checkDrift(database.url, { migrations: edited });
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      {
        kind: "migration-edited",
        object: files[1]!.name,
        message: `migration ${files[1]!.name} was edited after it was applied (its migration.sql no longer matches the applied checksum)`,
        sql: null,
      },
    ]);
    expect(report.fix).toContain(`Restore prisma/migrations/${files[1]!.name}/migration.sql`);
    expect(report.fixSql).toBeNull();
  });

  it("names migrations applied in the database but missing from the folder", async () => {
    const files = readMigrationFiles();
    const report = await checkDrift(database.url, { migrations: files.slice(0, -1) });
    expect(report.differences).toEqual([
      expect.objectContaining({ kind: "migration-unknown", object: files[files.length - 1]!.name }),
    ]);
    expect(report.fix).toContain("newer or different version of Switchboard");
  });

  it("warns that a pending migration with its own COMMIT will be refused", async () => {
    const files = [
      ...readMigrationFiles(),
      { name: "29990101000000_own_commit", sql: "BEGIN;\nSELECT 1;\nCOMMIT;\n", checksum: checksumOf("x") },
    ];
    const report = await checkDrift(database.url, { migrations: files });
    expect(report.differences).toEqual([
      expect.objectContaining({
        kind: "migration-pending",
        message: expect.stringContaining("will refuse it: it contains its own BEGIN/COMMIT"),
      }),
    ]);
    expect(report.fix).toContain("Remove BEGIN/COMMIT from prisma/migrations/29990101000000_own_commit/migration.sql");
  });

  it("refuses a DATABASE_URL with ?schema= other than public, and accepts public", async () => {
    const other = `${database.url}${database.url.includes("?") ? "&" : "?"}schema=other`;
    const error = await checkDrift(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDatabaseUrlError);
    expect((error as Error).message).toContain('DATABASE_URL asks for schema "other"');
    expect((error as Error).message).toContain("Remove ?schema= from DATABASE_URL");
    const publicUrl = other.replace("schema=other", "schema=public");
    expect((await checkDrift(publicUrl)).ok).toBe(true);
  });

  it("reports an unapplied migration with the command that applies it", async () => {
    await alter(`DELETE FROM "_prisma_migrations" WHERE migration_name LIKE '%_onboarding_error_action'`);
    const report = await checkDrift(database.url);
    expect(report.pendingMigrations).toEqual(["20261122000000_onboarding_error_action"]);
    expect(report.fix).toBe("Run `pnpm db:migrate` to apply the pending migrations, then `pnpm db:check`.");
  });
});
