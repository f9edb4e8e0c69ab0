// Creating and dropping throwaway databases on a PostgreSQL server (the test runs' template and
// its clones). It lives here, below @switchboard/testing, so db's own tests can make databases
// without depending on the testing package, which depends on db.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Database names of one test run share a prefix so teardown drops exactly its own. */
export function runPrefix(): string {
  return `sbtest_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Clones the template; retries while another clone of the same template is in progress. */
async function cloneDatabase(serverUrl: string, template: string, name: string): Promise<string> {
  await withAdmin(serverUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(
          `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`,
        );
        return;
      } catch (error) {
        // 55006: "source database is being accessed by other users" — a concurrent clone.
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });
  return databaseUrlFor(serverUrl, name);
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

export async function dropDatabasesWithPrefix(serverUrl: string, prefix: string): Promise<void> {
  const names = await withAdmin(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${prefix}%`,
    ]);
    return rows.map((r) => r.datname);
  });
  // Clones first, the template last (a template cannot be dropped while cloned from).
  names.sort((a, b) => Number(a.endsWith("_template")) - Number(b.endsWith("_template")));
  for (const name of names) await dropDatabase(serverUrl, name);
}

export interface ThrowawayDatabase {
  name: string;
  url: string;
  /** Drops the database (closing whatever connections are still open to it). */
  drop(): Promise<void>;
}

/**
 * Clones `template` into a new database named after the run's template, so the run's teardown
 * (`dropDatabasesWithPrefix`) finds it. `template0` gives an empty database.
 */
export async function createThrowawayDatabase(
  serverUrl: string,
  runTemplate: string,
  template: string = runTemplate,
): Promise<ThrowawayDatabase> {
  const name = `${runTemplate.replace(/_template$/, "")}_${randomBytes(4).toString("hex")}`;
  const url = await cloneDatabase(serverUrl, template, name);
  return { name, url, drop: () => dropDatabase(serverUrl, name) };
}
