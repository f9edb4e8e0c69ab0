// For the sessions tests: the requests fixture (a database, a bus, accounts, the HTTP test
// client) and the way into a session — a customer's request accepted by a mechanic — with the
// helpers the sessions tests share.
import { randomUUID } from "node:crypto";
import type { TestAccount } from "./accounts.ts";
import { intake, requestsFixture } from "./requests-fixture.ts";

export function sessionsFixture() {
  const f = requestsFixture();
  // The same object (its accounts are filled in by beforeAll), with the sessions helpers on it.
  const s = Object.assign(f, {
    /** A request of `customer`'s accepted by `mechanic`: its session is waiting for them to join. */
    async acceptedSession(
      customer: TestAccount = f.customer,
      mechanic: TestAccount = f.mechanic,
      sessionType: "chat" | "video" = "chat",
    ) {
      const { requestId, sessionId } = await f
        .as(customer)
        .requests.submit.mutate({ ...intake, sessionType, replacePending: true });
      await f.as(mechanic).requests.accept.mutate({ requestId });
      return { requestId, sessionId };
    },
    /** The same, joined: active. */
    async activeSession(customer: TestAccount = f.customer, mechanic: TestAccount = f.mechanic) {
      const session = await s.acceptedSession(customer, mechanic);
      await f.as(mechanic).sessions.join.mutate({ sessionId: session.sessionId });
      return session;
    },
    /** Rows of the sessions tables and the outbox, to show a refused call wrote nothing. */
    async sessionRowCounts() {
      const { db } = f.database;
      return {
        messages: await db.serviceMessage.count(),
        events: await db.outboxEvent.count(),
        sessions: await db.serviceSession.findMany({ orderBy: { id: "asc" } }),
      };
    },
    key: () => randomUUID(),
  });
  return s;
}
