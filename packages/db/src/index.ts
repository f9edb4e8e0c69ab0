export {
  createDatabase,
  DATABASE_TIMEOUT_DEFAULTS,
  type Database,
  type DatabaseOptions,
  poolStats,
  type Transaction,
} from "./client.ts";
export { atCommit, NotASwitchboardTransactionError } from "./commit-statements.ts";
export {
  createThrowawayDatabase,
  databaseUrlFor,
  dropDatabasesWithPrefix,
  runPrefix,
  type ThrowawayDatabase,
} from "./database-server.ts";
export { type DatabaseLocation, defaultDataDir, locateDatabase, UnsupportedDatabaseUrlError } from "./database-url.ts";
export { checkDrift, type Difference, type DriftReport, formatDriftReport } from "./drift.ts";
export {
  EmbeddedPostgresAccessError,
  type EmbeddedPostgresServer,
  freePort,
  startEmbeddedPostgres,
} from "./embedded.ts";
export * from "./generated/prisma/client.ts";
export { type MigrateResult, MigrationError, markRolledBack, migrate } from "./migrate.ts";
export { decoyPasswordHash, hashPassword, verifyPassword } from "./password.ts";
export { DEMO_ACCOUNTS, DEMO_ORGANIZATION_SLUG, formatDemoAccounts, seedDemoData } from "./seed.ts";
