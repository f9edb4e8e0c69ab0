// For the requests tests: one database and bus per test file, a customer, another customer and
// a mechanic, the HTTP test client as any of them, and the helpers every requests test reads
// errors and writes with. Call at a test file's top level (it registers the hooks).
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { type AppEventBus, createAppEventBus } from "../src/live-events.ts";
import { appRouter, createCaller } from "../src/root.ts";
import { createContext } from "../src/trpc.ts";
import { createTestAccount, type TestAccount } from "./accounts.ts";
import { createTestApi } from "./api-client.ts";
import { watchTopic } from "./live-events.ts";
import { testServices } from "./services.ts";

export const intake = {
  vehicle: { make: "Toyota", model: "Corolla", year: 2015 },
  concern: "Grinding noise when braking at low speed",
  urgency: "high" as const,
  sessionType: "video" as const,
  plan: "standard" as const,
};

export async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const e = error as TRPCClientError<typeof appRouter>;
  return {
    code: e.data?.code,
    appCode: (e.data as { appCode?: string } | undefined)?.appCode,
    message: e.message,
    fieldErrors: (e.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors,
  };
}

type WatchedTopic = "requests.board" | "requests.status" | "requests.mine" | "sessions.events" | "sessions.mine";

export function requestsFixture() {
  const f = {
    database: undefined as unknown as TestDatabase,
    events: undefined as unknown as AppEventBus,
    api: undefined as unknown as ReturnType<typeof createTestApi<typeof appRouter>>,
    customer: undefined as unknown as TestAccount,
    otherCustomer: undefined as unknown as TestAccount,
    mechanic: undefined as unknown as TestAccount,
    as: (account: TestAccount) => f.api({ token: account.token }),
    /** A server-side caller as this account: subscriptions work here (the HTTP test client has no WebSocket). */
    callerAs: async (account: TestAccount) =>
      createCaller(
        await createContext(testServices({ db: f.database.db, events: f.events }), {
          token: account.token,
          requestId: randomUUID(),
        }),
      ),
    /** Collects events of a topic/scope from the bus until stopped. */
    watch: <K extends WatchedTopic>(topic: K, scope: string) => watchTopic(f.events, topic, scope),
    /** A customer account of its own, for tests that need many. */
    newCustomer: (tag: string) => createTestAccount(f.database.db, { email: `${tag}-${randomUUID()}@example.com` }),
    newMechanic: (tag: string) =>
      createTestAccount(f.database.db, {
        email: `${tag}-${randomUUID()}@example.com`,
        role: "mechanic",
        mechanicProfile: true,
      }),
    async rowCounts() {
      const { db } = f.database;
      return {
        intakes: await db.customerIntake.count(),
        sessions: await db.serviceSession.count(),
        requests: await db.sessionRequest.count(),
        events: await db.outboxEvent.count(),
      };
    },
  };
  beforeAll(async () => {
    f.database = await createTestDatabase();
    f.events = createAppEventBus({ databaseUrl: f.database.url, pollMs: 200 });
    await f.events.start();
    f.api = createTestApi({ router: appRouter, db: f.database.db, events: f.events });
    f.customer = await createTestAccount(f.database.db, { email: "customer@example.com" });
    f.otherCustomer = await createTestAccount(f.database.db, { email: "other@example.com" });
    f.mechanic = await createTestAccount(f.database.db, {
      email: "mechanic@example.com",
      role: "mechanic",
      mechanicProfile: true,
    });
  });
  afterAll(async () => {
    await f.events?.stop();
    await f.database?.drop();
  });
  beforeEach(async () => {
    await f.database.db.$executeRawUnsafe("TRUNCATE customer_intakes, service_sessions, session_requests CASCADE");
  });
  return f;
}
