// Bootstrap validation: find (or start) the database, migrate when allowed, refuse to serve
// on an unmigrated or drifted database, and seed the demo data once.
import {
  checkDrift,
  createDatabase,
  type Database,
  formatDemoAccounts,
  formatDriftReport,
  locateDatabase,
  migrate,
  seedDemoData,
  UnsupportedDatabaseUrlError,
} from "@switchboard/db";
import type { Env } from "./env.ts";
import type { Logger } from "./logger.ts";

export class SchemaNotReadyError extends Error {
  constructor(readonly report: string) {
    super(`Switchboard will not serve on this database.\n${report}`);
    this.name = "SchemaNotReadyError";
  }
}

export interface PreparedDatabase {
  url: string;
  embedded: boolean;
  db: Database;
  close(): Promise<void>;
}

export async function prepareDatabase(env: Env, log: Logger): Promise<PreparedDatabase> {
  const location = await locateDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.SWITCHBOARD_DATA_DIR,
    onLog: (line) => log.debug({ postgres: line.trim() }, "embedded postgres"),
  }).catch((error: unknown) => {
    // Printed plainly by main.ts, like a drifted schema: the operator must change DATABASE_URL.
    throw error instanceof UnsupportedDatabaseUrlError ? new SchemaNotReadyError(error.message) : error;
  });
  try {
    if (location.embedded) log.info({ dataDir: env.SWITCHBOARD_DATA_DIR ?? ".data" }, "embedded PostgreSQL started");
    // An embedded database belongs to this process: keep it migrated. An external one is
    // migrated by its operator (`pnpm db:migrate`) unless MIGRATE_ON_START says otherwise.
    if (env.MIGRATE_ON_START ?? location.embedded) {
      const result = await migrate(location.url, { log: (line) => log.info(line) });
      if (result.applied.length) log.info({ applied: result.applied }, "migrations applied");
    }
    const report = await checkDrift(location.url);
    if (!report.ok) throw new SchemaNotReadyError(formatDriftReport(report));

    const db = createDatabase(location.url, {
      poolSize: env.DB_POOL_SIZE,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
    });
    if (env.SEED_DEMO_DATA ?? location.embedded) {
      const { seeded } = await seedDemoData(db);
      if (seeded) log.info("demo data created");
    }
    return {
      url: location.url,
      embedded: location.embedded,
      db,
      async close() {
        await db.$disconnect();
        await location.stop();
      },
    };
  } catch (error) {
    await location.stop();
    throw error;
  }
}

export { formatDemoAccounts };
