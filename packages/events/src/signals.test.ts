import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import { EventBus, UnknownTopicError } from "./event-bus.ts";
import { type SignalMessage, SignalReassembly, SignalTooLargeError, signalNotices } from "./signals.ts";

const topics = { "test.note": z.object({ n: z.number().int() }) };
const signalTopics = { "test.typing": z.object({ text: z.string() }) };
type Bus = EventBus<typeof topics, typeof signalTopics>;

let database: TestDatabase;
const buses: Bus[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  while (buses.length) await buses.pop()!.stop();
});
afterAll(async () => {
  await database.drop();
});

async function startBus(): Promise<Bus> {
  const bus = new EventBus({ databaseUrl: database.url, topics, signalTopics, pollMs: 200 });
  buses.push(bus);
  await bus.start();
  return bus;
}

function collect(bus: Bus, scope: string) {
  const controller = new AbortController();
  const received: SignalMessage<{ text: string }>[] = [];
  const done = (async () => {
    for await (const message of bus.signals("test.typing", scope, { signal: controller.signal }))
      received.push(message);
  })();
  return {
    received,
    done,
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

async function outboxCount(): Promise<number> {
  const [row] = await database.db.$queryRawUnsafe<{ count: bigint }[]>("SELECT count(*) AS count FROM event_outbox");
  return Number(row!.count);
}

/** A sentinel sent after the signal under test: once it has arrived, anything sent before it has too. */
async function flush(from: Bus, to: ReturnType<typeof collect>, scope: string) {
  await from.sendSignal("test.typing", scope, { text: "sentinel" });
  await waitFor(() => to.received.some((message) => message.payload.text === "sentinel"));
}

describe("ephemeral signals across two instances", () => {
  it("reach a subscriber on the other instance and a local one, exactly once, with no outbox row", async () => {
    const a = await startBus();
    const b = await startBus();
    const onA = collect(a, "s1");
    const onB = collect(b, "s1");
    const before = await outboxCount();

    await a.sendSignal("test.typing", "s1", { text: "hello" }, { from: "customer" });
    await flush(a, onB, "s1");

    expect(onB.received.map((m) => m.payload.text)).toEqual(["hello", "sentinel"]);
    expect(onA.received.map((m) => m.payload.text)).toEqual(["hello", "sentinel"]);
    expect(onB.received[0]).toMatchObject({ topic: "test.typing", scope: "s1", from: "customer" });
    expect(typeof onB.received[0]!.at).toBe("string");
    expect(await outboxCount()).toBe(before);
    expect(a.stats.signalsSent).toBe(2);
    await onA.stop();
    await onB.stop();
  });

  it("carry a 20 KB signal across instances intact, in parts", async () => {
    const a = await startBus();
    const b = await startBus();
    const onB = collect(b, "big");
    // Multi-byte characters too, so a part boundary falls inside a UTF-8 sequence.
    const text = "v=0 é€😀 ".repeat(1600).slice(0, 20_000);
    expect(signalNotices("x", { topic: "t", scope: "s", payload: { text }, at: "" }).length).toBeGreaterThan(1);

    await a.sendSignal("test.typing", "big", { text });
    await flush(a, onB, "big");

    expect(onB.received[0]!.payload.text).toBe(text);
    expect(onB.received).toHaveLength(2);
    await onB.stop();
  });

  it("refuse a signal above 64 KB, an unknown topic and an invalid payload, sending nothing", async () => {
    const a = await startBus();
    const onA = collect(a, "s1");
    await expect(a.sendSignal("test.typing", "s1", { text: "x".repeat(70_000) })).rejects.toBeInstanceOf(
      SignalTooLargeError,
    );
    // @ts-expect-error: not a signal topic
    await expect(a.sendSignal("test.nothing", "s1", { text: "x" })).rejects.toBeInstanceOf(UnknownTopicError);
    // @ts-expect-error: wrong payload
    await expect(a.sendSignal("test.typing", "s1", { text: 1 })).rejects.toBeInstanceOf(ZodError);
    // @ts-expect-error: not a signal topic
    expect(() => a.signals("test.note", "s1")).toThrow(UnknownTopicError);
    expect(onA.received).toEqual([]);
    expect(a.stats.signalsSent).toBe(0);
    await onA.stop();
  });

  it("reach no subscriber of another scope", async () => {
    const a = await startBus();
    const b = await startBus();
    const other = collect(b, "other");
    const mine = collect(b, "mine");
    await a.sendSignal("test.typing", "mine", { text: "hi" });
    await flush(a, mine, "mine");
    expect(other.received).toEqual([]);
    await other.stop();
    await mine.stop();
  });

  it("end the iterator on abort and on bus stop", async () => {
    const a = await startBus();
    const aborted = collect(a, "s1");
    await aborted.stop();
    await a.sendSignal("test.typing", "s1", { text: "after" });
    expect(aborted.received).toEqual([]);

    const stopped = collect(a, "s1");
    await a.stop();
    await stopped.done;
    expect(stopped.received).toEqual([]);
  });

  it("drop the oldest signals of a subscriber that does not keep up, and count them", async () => {
    const bus = new EventBus({ databaseUrl: database.url, topics, signalTopics, signalBufferLimit: 3 });
    buses.push(bus);
    await bus.start();
    const feed = bus.signals("test.typing", "s1");
    for (let n = 0; n < 5; n++) await bus.sendSignal("test.typing", "s1", { text: String(n) });
    const texts: string[] = [];
    for (let n = 0; n < 3; n++) texts.push((await feed.next()).value!.payload.text);
    expect(texts).toEqual(["2", "3", "4"]);
    expect(bus.stats.signalsDropped).toBe(2);
    await feed.return!();
  });
});

describe("SignalReassembly", () => {
  const big = { topic: "t", scope: "s", payload: { text: "y".repeat(20_000) }, at: "now" };

  it("ignores the instance's own notices and puts interleaved parts back together", () => {
    const dropped: number[] = [];
    const reassembly = new SignalReassembly("me", () => dropped.push(1));
    expect(reassembly.accept(signalNotices("me", big)[0]!)).toBeNull();
    const one = signalNotices("one", big);
    const two = signalNotices("two", big);
    const results = one.flatMap((part, n) => [reassembly.accept(part), reassembly.accept(two[n]!)]);
    expect(results.filter(Boolean)).toEqual([big, big]);
    expect(dropped).toEqual([]);
  });

  it("forgets an incomplete signal after a few seconds, and holds a bounded number", () => {
    let dropped = 0;
    const reassembly = new SignalReassembly("me", () => dropped++, 5000, 2);
    const parts = signalNotices("one", big);
    reassembly.accept(parts[0]!, 0);
    expect(reassembly.pendingCount).toBe(1);
    reassembly.accept(signalNotices("two", big)[0]!, 6000);
    expect(reassembly.pendingCount).toBe(1);
    expect(dropped).toBe(1);
    reassembly.accept(signalNotices("three", big)[0]!, 6001);
    reassembly.accept(signalNotices("four", big)[0]!, 6002);
    expect(reassembly.pendingCount).toBe(2);
    expect(dropped).toBe(2);
    // The rest of the forgotten one completes nothing.
    for (const part of parts.slice(1)) expect(reassembly.accept(part, 6003)).toBeNull();
  });
});
