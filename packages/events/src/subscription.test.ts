import { describe, expect, it } from "vitest";
import type { EventPosition } from "./event-position.ts";
import { type Delivery, SlowSubscriberError, Subscription, type SubscriptionOptions } from "./subscription.ts";

const at = (id: number): EventPosition => ({ txId: 1n, id: BigInt(id) });
const delivery = (id: number): Delivery<string> => ({ position: at(id), envelope: `event ${id}` });

function subscription(options: Partial<SubscriptionOptions<string>> = {}) {
  const calls = { begun: 0, ended: 0, fellBehind: 0, counted: 0 };
  const live = new Subscription<string>({
    limit: 3,
    begin: () => {
      calls.begun++;
      return { cursor: null, catchUp: null };
    },
    end: () => calls.ended++,
    countFellBehind: () => calls.counted++,
    ...options,
  });
  return { live, calls };
}

async function* replayOf(...ids: number[]): AsyncGenerator<Delivery<string>, void> {
  for (const id of ids) {
    await Promise.resolve();
    yield delivery(id);
  }
}

describe("Subscription", () => {
  it("registers on the first next(), then hands events in order, whether waiting or buffered", async () => {
    const { live, calls } = subscription();
    expect(calls.begun).toBe(0);
    const first = live.next();
    expect(calls.begun).toBe(1);
    live.push(delivery(1));
    live.push(delivery(2));
    live.push(delivery(3));
    expect(await first).toEqual({ value: "event 1", done: false });
    expect(await live.next()).toEqual({ value: "event 2", done: false });
    expect(await live.next()).toEqual({ value: "event 3", done: false });
    const pending = live.next();
    live.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await live.next()).toEqual({ value: undefined, done: true });
    expect(calls.ended).toBe(1);
  });

  it("replays first, then goes live without repeating what the replay already sent", async () => {
    const { live } = subscription({
      begin: () => ({ cursor: at(1), catchUp: replayOf(2, 3) }),
    });
    const received: string[] = [];
    const first = live.next();
    // Live events delivered while the replay runs: 3 was replayed too, 4 was not.
    live.push(delivery(3));
    live.push(delivery(4));
    received.push((await first).value as string);
    for (let i = 0; i < 2; i++) received.push((await live.next()).value as string);
    expect(received).toEqual(["event 2", "event 3", "event 4"]);
    const next = live.next();
    live.push(delivery(5));
    expect(await next).toEqual({ value: "event 5", done: false });
  });

  it("ends a subscriber whose buffer overflows: with SlowSubscriberError, or through onFellBehind", async () => {
    const { live: throwing, calls: throwingCalls } = subscription();
    const taken = throwing.next();
    throwing.push(delivery(1)); // taken by the waiting next()
    await taken;
    for (let id = 2; id <= 6; id++) throwing.push(delivery(id));
    await expect(async () => {
      for (;;) await throwing.next();
    }).rejects.toBeInstanceOf(SlowSubscriberError);
    expect(throwingCalls.ended).toBe(1);

    let fellBehind = 0;
    const { live: ended, calls } = subscription({ onFellBehind: () => fellBehind++ });
    const first = ended.next();
    ended.push(delivery(1));
    await first;
    for (let id = 2; id <= 6; id++) ended.push(delivery(id));
    expect(await ended.next()).toEqual({ value: undefined, done: true });
    expect(await ended.next()).toEqual({ value: undefined, done: true });
    expect([fellBehind, calls.counted, calls.ended]).toEqual([1, 1, 1]);
  });

  it("ends instead of handing an event to a backed-up connection", async () => {
    let backedUp = false;
    let fellBehind = 0;
    const { live, calls } = subscription({ backedUp: () => backedUp, onFellBehind: () => fellBehind++ });
    const first = live.next();
    live.push(delivery(1));
    expect((await first).done).toBe(false);
    backedUp = true;
    const second = live.next();
    live.push(delivery(2));
    expect(await second).toEqual({ value: undefined, done: true });
    expect([fellBehind, calls.counted, calls.ended]).toEqual([1, 1, 1]);
  });

  it("rejects the first next() when it cannot begin, and cleans up", async () => {
    const { live, calls } = subscription({
      begin: () => {
        throw new RangeError("malformed lastEventId");
      },
    });
    await expect(live.next()).rejects.toThrow(/malformed/);
    expect(calls.ended).toBe(1);
    expect(await live.next()).toEqual({ value: undefined, done: true });
  });

  it("return() ends it at once, as a generator's would", async () => {
    const { live, calls } = subscription();
    const pending = live.next();
    expect(await live.return()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    live.push(delivery(1));
    expect(await live.next()).toEqual({ value: undefined, done: true });
    expect(calls.ended).toBe(1);
  });
});

describe("Subscription writing directly", () => {
  function direct(options: { known: boolean; fail?: boolean }) {
    const sent: string[] = [];
    return {
      sent,
      options,
      delivery: {
        send: (envelope: string) => {
          if (options.fail) throw new Error("socket broke");
          if (!options.known) return false;
          sent.push(envelope);
          return true;
        },
        tag: (envelope: string) => `${envelope} (tagged)`,
      },
    };
  }

  it("yields tagged events until it can write directly, then writes them in order while the consumer waits", async () => {
    const way = direct({ known: false });
    const { live } = subscription({ direct: way.delivery });
    const first = live.next();
    live.push(delivery(1));
    live.push(delivery(2)); // arrives before the consumer asked again: waits its turn
    expect(await first).toEqual({ value: "event 1 (tagged)", done: false });
    way.options.known = true; // the transport learnt its route from the first event
    let settled = false;
    const waiting = live.next().then((result) => {
      settled = true;
      return result;
    });
    live.push(delivery(3));
    await Promise.resolve();
    expect(way.sent).toEqual(["event 2", "event 3"]);
    expect(settled).toBe(false);
    live.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it("ends a subscriber whose connection throws, without throwing into the fan-out", async () => {
    const way = direct({ known: true, fail: true });
    let fellBehind = 0;
    const { live, calls } = subscription({ direct: way.delivery, onFellBehind: () => fellBehind++ });
    const waiting = live.next();
    expect(() => live.push(delivery(1))).not.toThrow();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect([fellBehind, calls.ended]).toEqual([1, 1]);
  });
});
