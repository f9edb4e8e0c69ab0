import type { Transaction } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import pg from "pg";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EventBus, type EventBusOptions } from "./event-bus.ts";
import { comparePositions, formatEventId, lastEventIdSchema, parseEventId } from "./event-position.ts";
import { SlowSubscriberError } from "./subscription.ts";

const topics = {
  "test.note": z.object({ n: z.number().int() }),
  "test.other": z.object({ text: z.string() }),
};

let database: TestDatabase;
const buses: EventBus<typeof topics>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  while (buses.length) await buses.pop()!.stop();
  await database.db.$executeRawUnsafe("TRUNCATE event_outbox");
});
afterAll(async () => {
  await database.drop();
});

async function startBus(options: Partial<EventBusOptions<typeof topics>> = {}) {
  const bus = new EventBus({ databaseUrl: database.url, topics, pollMs: 200, ...options });
  buses.push(bus);
  await bus.start();
  return bus;
}

/** Consumes a subscription in the background, collecting (id, payload) until stopped. */
function collect(bus: EventBus<typeof topics>, scope: string, lastEventId?: string | null) {
  const controller = new AbortController();
  const received: { id: string; type: string; n?: number }[] = [];
  let error: unknown = null;
  const done = (async () => {
    try {
      for await (const envelope of bus.subscribe("test.note", scope, { lastEventId, signal: controller.signal })) {
        const [id, message] = envelope;
        received.push({
          id,
          type: message.type,
          ...(message.type === "event" ? { n: (message.payload as { n: number }).n } : {}),
        });
      }
    } catch (e) {
      error = e;
    }
  })();
  return {
    received,
    get error() {
      return error;
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for condition");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A product transaction writes its own rows before it publishes: that first write gives it its
 * transaction id, long before the outbox row is written at COMMIT.
 */
const writeSomething = (tx: Transaction) => tx.$queryRaw`SELECT pg_current_xact_id()::text`;

const publishNote = (bus: EventBus<typeof topics>, scope: string, n: number) =>
  database.db.$transaction((tx) => bus.publish(tx, "test.note", scope, { n }));

describe("EventBus", () => {
  it("delivers an event if and only if its transaction commits", async () => {
    const bus = await startBus();
    const subscriber = collect(bus, "s1");
    await publishNote(bus, "s1", 1);
    await database.db
      .$transaction(async (tx) => {
        await bus.publish(tx, "test.note", "s1", { n: 2 });
        throw new Error("roll back");
      })
      .catch(() => {});
    await publishNote(bus, "s1", 3);
    await waitFor(() => subscriber.received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await subscriber.stop();
    expect(subscriber.received.map((r) => r.n)).toEqual([1, 3]);
    expect(await database.db.outboxEvent.count()).toBe(2);
  });

  it("fails the transaction when a payload does not match its topic schema", async () => {
    const bus = await startBus();
    const attempt = database.db.$transaction(async (tx) => {
      await tx.user.create({ data: { email: "x@example.com", name: "X", passwordHash: "x" } });
      // @ts-expect-error: the wrong payload shape is the point of this test
      await bus.publish(tx, "test.note", "s1", { n: "not a number" });
    });
    await expect(attempt).rejects.toThrow();
    expect(await database.db.user.count({ where: { email: "x@example.com" } })).toBe(0);
    expect(await database.db.outboxEvent.count()).toBe(0);
  });

  it("only delivers a scope's own events", async () => {
    const bus = await startBus();
    const mine = collect(bus, "mine");
    await publishNote(bus, "theirs", 1);
    await publishNote(bus, "mine", 2);
    await waitFor(() => mine.received.length === 1);
    await mine.stop();
    expect(mine.received.map((r) => r.n)).toEqual([2]);
  });

  it("resumes after lastEventId with every missed event, in order, then live ones", async () => {
    const bus = await startBus();
    const first = collect(bus, "s");
    for (const n of [1, 2, 3]) await publishNote(bus, "s", n);
    await waitFor(() => first.received.length === 3);
    await first.stop();
    const lastEventId = first.received.at(-1)!.id;

    for (const n of [4, 5, 6, 7, 8]) await publishNote(bus, "s", n);
    const resumed = collect(bus, "s", lastEventId);
    await waitFor(() => resumed.received.length === 5);
    await publishNote(bus, "s", 9);
    await waitFor(() => resumed.received.length === 6);
    await resumed.stop();
    expect(resumed.received.map((r) => r.n)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it("never lets a late-committing transaction with a lower id be skipped", async () => {
    const bus = await startBus();
    const subscriber = collect(bus, "s");
    // A writes first (lower transaction id) but commits after B.
    let releaseA!: () => void;
    const aInserted = new Promise<void>((resolve) => {
      void database.db.$transaction(
        async (tx) => {
          await writeSomething(tx);
          await bus.publish(tx, "test.note", "s", { n: 1 });
          resolve();
          await new Promise<void>((release) => {
            releaseA = release;
          });
        },
        { timeout: 20_000 },
      );
    });
    await aInserted;
    await publishNote(bus, "s", 2); // B commits while A is still open
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.received).toEqual([]); // B is held back behind the running A
    releaseA();
    await waitFor(() => subscriber.received.length === 2);
    await subscriber.stop();
    expect(subscriber.received.map((r) => r.n)).toEqual([1, 2]);
  });

  it("is not held back by a transaction running in another database on the same server", async () => {
    const neighbour = await createTestDatabase();
    let releaseNeighbour!: () => void;
    let neighbourWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      neighbourWrote = resolve;
    });
    const neighbourTransaction = neighbour.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT pg_current_xact_id()::text`; // takes a transaction id, like any write
        neighbourWrote();
        await new Promise<void>((release) => {
          releaseNeighbour = release;
        });
      },
      { timeout: 20_000 },
    );
    try {
      await wrote;
      const bus = await startBus();
      const subscriber = collect(bus, "n");
      await publishNote(bus, "n", 1);
      await waitFor(() => subscriber.received.length === 1, 5000);
      await subscriber.stop();
      expect(subscriber.received.map((r) => r.n)).toEqual([1]);
    } finally {
      releaseNeighbour();
      await neighbourTransaction;
      await neighbour.drop();
    }
  });

  it("gives every reconnecting subscriber exactly the committed set, in one order, under shuffled concurrent commits", async () => {
    const bus = await startBus();
    const writers = 24;
    const perWriter = 8;
    const committed = new Set<number>();
    let writing = true;

    // Subscribers that drop and resume with their lastEventId at random moments.
    const subscribers = Array.from({ length: 4 }, () => {
      const received: { id: string; n: number }[] = [];
      const run = (async () => {
        // Where a client starts: the head read with its first query (never "now", which would
        // skip whatever was delivered between a drop before the first event and the resume).
        let lastEventId = bus.headEventId();
        while (writing || received.length < committed.size) {
          const controller = new AbortController();
          const stopAfter = setTimeout(() => controller.abort(), 20 + Math.random() * 80);
          for await (const [id, message] of bus.subscribe("test.note", "race", {
            lastEventId,
            signal: controller.signal,
          })) {
            if (message.type === "event") received.push({ id, n: (message.payload as { n: number }).n });
            lastEventId = id;
          }
          clearTimeout(stopAfter);
        }
      })();
      return { received, run };
    });

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const n = w * perWriter + i;
          const abort = Math.random() < 0.15;
          try {
            await database.db.$transaction(async (tx) => {
              await writeSomething(tx);
              await bus.publish(tx, "test.note", "race", { n });
              await sleep(Math.random() * 15); // hold the transaction open: commit order shuffles
              if (abort) throw new Error("rolled back on purpose");
            });
            committed.add(n);
          } catch {
            // rolled back: must never be delivered
          }
        }
      }),
    );
    writing = false;
    await Promise.all(subscribers.map((s) => s.run));

    const expectedOrder = subscribers[0]!.received.map((r) => r.n);
    for (const { received } of subscribers) {
      const values = received.map((r) => r.n);
      expect(new Set(values).size).toBe(values.length); // no duplicates
      expect(new Set(values)).toEqual(committed); // exactly the committed set
      expect(values).toEqual(expectedOrder); // one consistent order
      const positions = received.map((r) => parseEventId(r.id)!);
      for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBe(-1);
    }
  }, 60_000);

  it("reaches a subscriber on another instance, and recovers from a dropped LISTEN connection", async () => {
    const publisher = await startBus({ pollMs: 60_000 });
    const receiver = await startBus({ pollMs: 60_000 });
    const subscriber = collect(receiver, "x");
    await publishNote(publisher, "x", 1);
    await waitFor(() => subscriber.received.length === 1, 3000); // by NOTIFY, not by the (disabled) poll

    receiver.listenConnection.simulateDrop();
    await publishNote(publisher, "x", 2); // notified while the receiver is not listening
    await waitFor(() => subscriber.received.length === 2, 5000); // re-read after reconnecting
    await subscriber.stop();
    expect(subscriber.received.map((r) => r.n)).toEqual([1, 2]);
    expect(receiver.listenConnection.connected).toBe(true);
  });

  it("ends a subscriber that falls too far behind without slowing the others", async () => {
    // One row per outbox read, so a consumer that keeps up drains between deliveries.
    const bus = await startBus({ subscriberBufferLimit: 5, batchSize: 1 });
    const stalled = bus.subscribe("test.note", "slow", {});
    const firstRead = stalled.next(); // registers, then nobody reads further
    const healthy = collect(bus, "slow");
    for (let n = 1; n <= 12; n++) await publishNote(bus, "slow", n);
    await waitFor(() => healthy.received.length === 12);
    await healthy.stop();
    expect((await firstRead).value?.[1]).toMatchObject({ type: "event" });
    await expect(async () => {
      for (;;) await stalled.next();
    }).rejects.toBeInstanceOf(SlowSubscriberError);
    expect(bus.subscriberCount()).toBe(0);
  });

  it("prunes old events and tells a client resuming from before them to resync", async () => {
    const bus = await startBus({ retentionMs: 60_000 });
    const first = collect(bus, "p");
    const live = collect(bus, "p");
    await publishNote(bus, "p", 1);
    await waitFor(() => first.received.length === 1);
    await first.stop();
    await publishNote(bus, "p", 2);
    await waitFor(() => live.received.length === 2); // the bus is past event 2: it is prunable
    await live.stop();
    expect(await bus.prune(new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1);

    const resumed = collect(bus, "p", first.received[0]!.id);
    await waitFor(() => resumed.received.length === 1);
    await publishNote(bus, "p", 3);
    await waitFor(() => resumed.received.length === 2);
    await resumed.stop();
    expect(resumed.received.map((r) => r.type)).toEqual(["resync", "event"]);
    expect(resumed.received[1]!.n).toBe(3);
  });

  it("refuses a malformed lastEventId", async () => {
    const bus = await startBus();
    await expect(bus.subscribe("test.note", "s", { lastEventId: "42; DROP TABLE" }).next()).rejects.toThrow(
      /malformed lastEventId/,
    );
  });

  it("tells a client whose lastEventId is ahead of the outbox (a restored or reset database) to resync, then goes live", async () => {
    const bus = await startBus();
    const witness = collect(bus, "r");
    await publishNote(bus, "r", 1);
    await waitFor(() => witness.received.length === 1);
    await witness.stop();
    // The position a client kept from before the database was restored: far past anything here.
    const head = parseEventId(witness.received[0]!.id)!;
    const fromAnotherHistory = formatEventId({ txId: head.txId + 1_000_000n, id: head.id + 1_000n });
    const resumed = collect(bus, "r", fromAnotherHistory);
    await waitFor(() => resumed.received.length === 1);
    await publishNote(bus, "r", 2);
    await waitFor(() => resumed.received.length === 2);
    await resumed.stop();
    expect(resumed.received.map((r) => r.type)).toEqual(["resync", "event"]);
    expect(resumed.received[1]!.n).toBe(2);
    expect(comparePositions(parseEventId(resumed.received[0]!.id)!, head)).toBe(0); // resync names the frontier
  });

  it("still resumes a client that saw an event this instance has not delivered yet (not 'ahead')", async () => {
    const bus = await startBus();
    const all = collect(bus, "q");
    for (const n of [1, 2]) await publishNote(bus, "q", n);
    await waitFor(() => all.received.length === 2);
    await all.stop();
    const resumed = collect(bus, "q", all.received[1]!.id);
    await publishNote(bus, "q", 3);
    await waitFor(() => resumed.received.length === 1);
    await resumed.stop();
    expect(resumed.received).toEqual([expect.objectContaining({ type: "event", n: 3 })]);
  });

  it("refuses event ids whose parts do not fit PostgreSQL's bigint, with the plain message", () => {
    const largest = "9223372036854775807.9223372036854775807";
    expect(lastEventIdSchema.safeParse(largest).success).toBe(true);
    expect(parseEventId(largest)).not.toBeNull();
    for (const id of [
      "99999999999999999999.1",
      "9223372036854775808.1",
      "1.9223372036854775808",
      "1.99999999999999999999",
    ]) {
      expect(parseEventId(id)).toBeNull();
      const result = lastEventIdSchema.safeParse(id);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        "This event id is not valid; reconnect without it.",
      ]);
    }
  });

  it("names the transaction holding live events back in one warning, once it has held them past the threshold", async () => {
    const lines: { level: number; msg: string; pid?: number; applicationName?: string; transactionMs?: number }[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const bus = await startBus({ log, heldBackWarnMs: 300 });
    const subscriber = collect(bus, "h");
    const holder = new pg.Client({ connectionString: database.url, application_name: "forgotten-report" });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      const { rows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, pg_current_xact_id()");
      const pid = rows[0]!.pid;
      await publishNote(bus, "h", 1);
      const named = () => lines.filter((line) => line.pid === pid);
      await waitFor(() => named().length > 0, 5000);
      expect(named()[0]).toMatchObject({
        level: 40,
        msg: expect.stringMatching(/held back by a long-running transaction/),
        applicationName: "forgotten-report",
        transactionMs: expect.any(Number),
      });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // many more pumps while it still holds
      expect(named()).toHaveLength(1);
      expect(subscriber.received).toEqual([]);
      await holder.query("COMMIT");
      await waitFor(() => subscriber.received.length === 1);
    } finally {
      await holder.end();
      await subscriber.stop();
    }
  });
});
