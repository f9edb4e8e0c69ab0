// For test files: a fresh database for the file (created before its tests, dropped after them),
// a started event bus over it, and the API as any account, through HTTP encoding and the error
// formatter (api-client.ts).
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll } from "vitest";
import { type AppEventBus, createAppEventBus } from "../src/live-events.ts";
import { appRouter, createCaller } from "../src/root.ts";
import { createContext } from "../src/trpc.ts";
import { createTestAccount, type TestAccount } from "./accounts.ts";
import { createTestApi, type TestApiOptions } from "./api-client.ts";
import { testServices } from "./services.ts";

export function useTestApi(options: Omit<TestApiOptions<typeof appRouter>, "router" | "db" | "events"> = {}) {
  let database: TestDatabase | null = null;
  let events: AppEventBus | null = null;
  let api: ReturnType<typeof createTestApi<typeof appRouter>> | null = null;
  beforeAll(async () => {
    database = await createTestDatabase();
    events = createAppEventBus({ databaseUrl: database.url });
    await events.start();
    api = createTestApi({ ...options, router: appRouter, db: database.db, events });
  });
  afterAll(async () => {
    await events?.stop();
    await database?.drop();
  });
  const ready = () => {
    if (!database || !events || !api) throw new Error("the test database is created in beforeAll; use it inside tests");
    return { database, events, api };
  };
  return {
    get database() {
      return ready().database;
    },
    /** The file's event bus: what procedures publish, tests can watch (live-events.ts). */
    get events() {
      return ready().events;
    },
    /** A new account with a live session; the email is unique, so tests never collide. */
    newAccount: (name: string) =>
      createTestAccount(ready().database.db, { email: `${name}-${randomUUID()}@example.com` }),
    /** The API as this account (its bearer token). */
    as: (account: TestAccount) => ready().api({ authorization: `Bearer ${account.token}` }),
    /** The API with no credentials at all. */
    signedOut: () => ready().api(null),
    /** A server-side caller as this account: subscriptions work here (the HTTP test client has no WebSocket). */
    caller: async (account: TestAccount) => {
      const { database, events } = ready();
      return createCaller(
        await createContext(testServices({ db: database.db, events }), {
          token: account.token,
          requestId: randomUUID(),
        }),
      );
    },
    /** The API with exactly this authorization header (or none), from a browser on `origin`. */
    client: (...args: Parameters<ReturnType<typeof createTestApi<typeof appRouter>>>) => ready().api(...args),
  };
}
