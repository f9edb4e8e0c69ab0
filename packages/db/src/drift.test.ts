import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDrift, formatDriftReport } from "./drift.ts";

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
    expect(report).toMatchObject({ ok: true, differences: [], pendingMigrations: [], fix: null });
  });

  it("names a dropped column and the fix", async () => {
    await alter(`ALTER TABLE "session_requests" DROP COLUMN "metadata"`);
    const report = await checkDrift(database.url);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      {
        kind: "column-missing",
        object: "session_requests.metadata",
        message: expect.stringContaining("column session_requests.metadata is missing"),
      },
    ]);
    expect(formatDriftReport(report)).toMatch(/session_requests\.metadata[\s\S]*Fix: .*pnpm db:migrate/);
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
    await alter(`DROP INDEX "session_requests_one_pending_per_customer"`);
    await alter(`DROP INDEX "session_requests_status_created_at_id_idx"`);
    await alter(
      `CREATE INDEX "session_requests_status_created_at_id_idx" ON "session_requests"("status", "created_at", "id")`,
    );
    await alter(`CREATE INDEX "users_name_idx" ON "users"("name")`);
    const kinds = (await checkDrift(database.url)).differences.map((d) => `${d.kind}:${d.object}`).sort();
    expect(kinds).toEqual([
      "index-different:session_requests.session_requests_status_created_at_id_idx",
      "index-extra:users.users_name_idx",
      "index-missing:session_requests.session_requests_one_pending_per_customer",
    ]);
  });

  it("reports an unapplied migration with the command that applies it", async () => {
    await alter(`DELETE FROM "_prisma_migrations" WHERE migration_name LIKE '%_onboarding_error_action'`);
    const report = await checkDrift(database.url);
    expect(report.pendingMigrations).toEqual(["20261122000000_onboarding_error_action"]);
    expect(report.fix).toBe("Run `pnpm db:migrate` to apply the pending migrations, then `pnpm db:check`.");
  });
});
