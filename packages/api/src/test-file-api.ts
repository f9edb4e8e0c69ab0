// For test files: a fresh database for the file (created before its tests, dropped after them)
// and the API over it as any account, through HTTP encoding and the error formatter
// (test-api-client.ts).
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll } from "vitest";
import { appRouter } from "./root.ts";
import { createTestAccount, type TestAccount } from "./test-accounts.ts";
import { createTestApi, type TestApiOptions } from "./test-api-client.ts";

export function useTestApi(options: Omit<TestApiOptions<typeof appRouter>, "router" | "db"> = {}) {
  let database: TestDatabase | null = null;
  let api: ReturnType<typeof createTestApi<typeof appRouter>> | null = null;
  beforeAll(async () => {
    database = await createTestDatabase();
    api = createTestApi({ ...options, router: appRouter, db: database.db });
  });
  afterAll(async () => {
    await database?.drop();
  });
  const ready = () => {
    if (!database || !api) throw new Error("the test database is created in beforeAll; use it inside tests");
    return { database, api };
  };
  return {
    get database() {
      return ready().database;
    },
    /** A new account with a live session; the email is unique, so tests never collide. */
    newAccount: (name: string) =>
      createTestAccount(ready().database.db, { email: `${name}-${randomUUID()}@example.com` }),
    /** The API as this account (its bearer token). */
    as: (account: TestAccount) => ready().api({ authorization: `Bearer ${account.token}` }),
    /** The API with no credentials at all. */
    signedOut: () => ready().api(null),
  };
}
