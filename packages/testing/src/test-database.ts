// A fresh, migrated database for one test file: `const { db } = await createTestDatabase()`.
import { createDatabase, createThrowawayDatabase, type Database } from "@switchboard/db";
import { inject } from "vitest";
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
  return createThrowawayDatabase(inject("testServerUrl"), inject("testTemplateDatabase"), "template0");
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const throwaway = await createThrowawayDatabase(inject("testServerUrl"), inject("testTemplateDatabase"));
  const db = createDatabase(throwaway.url, { poolSize: 20 });
  return {
    name: throwaway.name,
    url: throwaway.url,
    db,
    async drop() {
      await db.$disconnect();
      await throwaway.drop();
    },
  };
}
