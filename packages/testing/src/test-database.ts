// A fresh, migrated database for one test file: `const { db } = await createTestDatabase()`.
import { randomBytes } from "node:crypto";
import { createDatabase, type Database } from "@switchboard/db";
import { inject } from "vitest";
import { cloneDatabase, dropDatabase } from "./database-server.ts";
import "./provided-context.ts";

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

/** Creates an empty database (no migrations) on the test server, for migration tests. */
export async function createEmptyTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const serverUrl = inject("testServerUrl");
  const name = `${inject("testTemplateDatabase").replace(/_template$/, "")}_${randomBytes(4).toString("hex")}`;
  const url = await cloneDatabase(serverUrl, "template0", name);
  return { name, url, drop: () => dropDatabase(serverUrl, name) };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("testServerUrl");
  const template = inject("testTemplateDatabase");
  const name = `${template.replace(/_template$/, "")}_${randomBytes(4).toString("hex")}`;
  const url = await cloneDatabase(serverUrl, template, name);
  const db = createDatabase(url, { poolSize: 20 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.$disconnect();
      await dropDatabase(serverUrl, name);
    },
  };
}
