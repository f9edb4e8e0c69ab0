// `pnpm db:migrate | db:check | db:seed | db:sql | db:readme` — uses DATABASE_URL, or the embedded
// PostgreSQL under .data/ (the same one `pnpm start` uses) when it is unset.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDatabase } from "./client.ts";
import { locateDatabase, UnsupportedDatabaseUrlError } from "./database-url.ts";
import { checkDrift, formatDriftReport } from "./drift.ts";
import { MigrationError, markRolledBack, migrate } from "./migrate.ts";
import { renderSchemaSql } from "./migration-sql.ts";
import { loadExpectedSchema } from "./schema-model.ts";
import { formatDemoAccounts, seedDemoData, withDemoAccountsTable } from "./seed.ts";

const usage = `usage: db <command>
  migrate                           apply pending migrations (prisma/migrations)
  migrate resolve --rolled-back N   mark a failed migration N as rolled back
  check                             compare the database with schema.prisma; exit 1 on any difference
  seed                              create the demo data once
  sql                               print SQL creating schema.prisma from empty (for authoring migrations)
  readme                            rewrite README.md's demo accounts table from the seed's list`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "readme") {
    const readme = fileURLToPath(new URL("../../../README.md", import.meta.url));
    writeFileSync(readme, withDemoAccountsTable(readFileSync(readme, "utf8")));
    console.log(`wrote the demo accounts table into ${readme}`);
    return 0;
  }
  if (command === "sql") {
    process.stdout.write(renderSchemaSql(loadExpectedSchema()));
    return 0;
  }
  if (!command || !["migrate", "check", "seed"].includes(command)) {
    console.error(usage);
    return 2;
  }
  let location: Awaited<ReturnType<typeof locateDatabase>>;
  try {
    location = await locateDatabase({
      databaseUrl: process.env.DATABASE_URL,
      dataDir: process.env.SWITCHBOARD_DATA_DIR,
    });
  } catch (error) {
    if (!(error instanceof UnsupportedDatabaseUrlError)) throw error;
    console.error(error.message);
    return 1;
  }
  try {
    if (command === "migrate" && rest[0] === "resolve") {
      const name = rest[rest.indexOf("--rolled-back") + 1];
      if (!rest.includes("--rolled-back") || !name) {
        console.error(usage);
        return 2;
      }
      const marked = await markRolledBack(location.url, name);
      console.log(marked ? `marked ${name} as rolled back` : `no unfinished record of ${name} to mark`);
      return marked ? 0 : 1;
    }
    if (command === "migrate") {
      const result = await migrate(location.url, { log: (line) => console.log(line) });
      console.log(
        result.applied.length
          ? `applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied`
          : `nothing to apply: all ${result.alreadyApplied.length} migration(s) are applied`,
      );
      return 0;
    }
    if (command === "check") {
      const report = await checkDrift(location.url);
      (report.ok ? console.log : console.error)(formatDriftReport(report));
      return report.ok ? 0 : 1;
    }
    const db = createDatabase(location.url);
    try {
      const { seeded } = await seedDemoData(db);
      console.log(seeded ? "demo data created" : "demo data already present");
      console.log(`demo accounts:\n${formatDemoAccounts()}`);
    } finally {
      await db.$disconnect();
    }
    return 0;
  } catch (error) {
    console.error(error instanceof MigrationError ? error.message : error);
    return 1;
  } finally {
    await location.stop();
  }
}

process.exit(await main(process.argv.slice(2)));
