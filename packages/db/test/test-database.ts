// db's own throwaway databases for its tests, cloned from the run's migrated template exactly as
// @switchboard/testing's createTestDatabase does for every other package. db cannot import that
// one: @switchboard/testing depends on db (the global setup migrates with db's runner), and a
// dependency back would make the package graph cyclic, which `turbo run build` refuses.
import { inject } from "vitest";
import { createDatabase, type Database } from "../src/client.ts";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../src/database-server.ts";

// The same keys @switchboard/testing's global setup provides (packages/testing/src/provided-context.ts).
declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
    testTemplateDatabase: string;
  }
}

export interface TestDatabase extends ThrowawayDatabase {
  db: Database;
}

/** An empty database (no migrations), for the migration runner's tests. */
export function createEmptyTestDatabase(): Promise<ThrowawayDatabase> {
  return createThrowawayDatabase(inject("testServerUrl"), inject("testTemplateDatabase"), "template0");
}

/** A migrated database with a client; `drop()` disconnects the client first. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const throwaway = await createThrowawayDatabase(inject("testServerUrl"), inject("testTemplateDatabase"));
  const db = createDatabase(throwaway.url, { poolSize: 20 });
  return {
    ...throwaway,
    db,
    async drop() {
      await db.$disconnect();
      await throwaway.drop();
    },
  };
}
