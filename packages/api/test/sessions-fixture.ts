// For the sessions tests: the requests fixture (a database, a bus, accounts, the HTTP test
// client) and the way into a session — a customer's request accepted by a mechanic — with the
// helpers the sessions tests share.
import { randomUUID } from "node:crypto";
import { releaseUnjoinedSessions } from "../src/requests/join-timeout.ts";
import { createCaller } from "../src/root.ts";
import type { Throttle } from "../src/throttle.ts";
import { createContext } from "../src/trpc.ts";
import type { TestAccount } from "./accounts.ts";
import { intake, requestsFixture } from "./requests-fixture.ts";
import { testServices } from "./services.ts";

type Caller = ReturnType<typeof createCaller>;

/**
 * A tracked subscription's item as a server-side caller yields it: the envelope [event id, bus
 * message] (its type says { id, data }, the shape a client receives).
 */
export const trackedItem = <T>(item: { id: string; data: T }) => {
  const [id, message] = item as unknown as [string, T];
  return { id, message };
};

/** A tracked live event's payload (a resync notice as itself). */
export const payloadOf = <P>(item: { id: string; data: { type: "event"; payload: P } | { type: "resync" } }) => {
  const { message } = trackedItem(item);
  return message.type === "event" ? message.payload : message;
};

/** What a subscription yielded, read in the background, and how it ended. */
export interface Follower<T> {
  received: T[];
  /** The error it ended with (undefined while open or when it completed). */
  error(): unknown;
  ended(): boolean;
  /** Waits (up to 10 s) until it has yielded `count` items. */
  until(count: number): Promise<void>;
  /** Waits (up to 10 s) until it has yielded an item `matches`. */
  untilSome(matches: (item: T) => boolean): Promise<void>;
  /** Waits (up to 10 s) until it ends. */
  finished(): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(condition: () => boolean, what: string) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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
    /** The join-timeout sweep (requests/), run as if the session's joinBy had just passed: its mechanic is released. */
    async releaseMechanic(sessionId: string) {
      const { joinBy } = await f.database.db.serviceSession.findUniqueOrThrow({ where: { id: sessionId } });
      if (!joinBy) throw new Error("this session has no join deadline: nobody to release");
      return releaseUnjoinedSessions(f.database.db, f.events, { now: new Date(joinBy.getTime() + 1) });
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
    /** A server-side caller as this account, ended (its subscriptions too) by the returned `stop`. */
    async callerWithSignal(account: TestAccount, options: { throttle?: Throttle } = {}) {
      const controller = new AbortController();
      const ctx = await createContext(
        testServices({ db: f.database.db, events: f.events, throttle: options.throttle ?? null }),
        { token: account.token, requestId: randomUUID(), client: { origin: null, ip: "127.0.0.1" } },
      );
      return { caller: createCaller(ctx, { signal: controller.signal }), abort: () => controller.abort() };
    },
    /**
     * Subscribes as `account` (open throws when the subscription is refused, before any event) and
     * reads what it yields in the background.
     */
    async follow<T>(account: TestAccount, open: (caller: Caller) => Promise<AsyncIterable<T>>): Promise<Follower<T>> {
      const { caller, abort } = await s.callerWithSignal(account);
      const stream = await open(caller);
      const received: T[] = [];
      let error: unknown;
      let ended = false;
      const reading = (async () => {
        try {
          for await (const item of stream) received.push(item);
        } catch (e) {
          error = e;
        } finally {
          ended = true;
        }
      })();
      return {
        received,
        error: () => error,
        ended: () => ended,
        until: (count) => waitFor(() => received.length >= count, `${count} items (got ${received.length})`),
        untilSome: (matches) => waitFor(() => received.some(matches), "a matching item"),
        finished: () => waitFor(() => ended, "the subscription to end"),
        async stop() {
          abort();
          await reading;
        },
      };
    },
  });
  return s;
}
