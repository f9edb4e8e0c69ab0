import { describe, expect, it } from "vitest";
import { HandOut } from "./hand-out.ts";

/** A subscriber that records what it got, and in which turn of the (hand-run) event loop. */
class Recorder {
  readonly got: string[] = [];
  constructor(
    readonly name: string,
    private readonly log: string[][],
  ) {}
  push(delivery: string): void {
    this.got.push(delivery);
    this.log.at(-1)?.push(`${this.name}:${delivery}`);
  }
}

function setup(slice: number) {
  const turns: (() => void)[] = [];
  const log: string[][] = [[]];
  const handOut = new HandOut<Recorder, string>(slice, (run) => void turns.push(run));
  const nextTurn = () => {
    log.push([]);
    for (const run of turns.splice(0)) run();
  };
  const microtasks = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { handOut, log, nextTurn, microtasks, subscriber: (name: string) => new Recorder(name, log) };
}

describe("HandOut", () => {
  it("hands out the first slice in the current turn, the rest a slice per turn, in queue order", async () => {
    const { handOut, log, nextTurn, microtasks, subscriber } = setup(2);
    const subscribers = ["a", "b", "c", "d", "e"].map(subscriber);
    for (const s of subscribers) handOut.add(s, ["1"]);
    expect(handOut.waiting).toBe(5);
    expect(log).toEqual([[]]); // nothing while the batch is still being queued
    await microtasks();
    expect(log).toEqual([["a:1", "b:1"]]);
    nextTurn();
    nextTurn();
    expect(log).toEqual([["a:1", "b:1"], ["c:1", "d:1"], ["e:1"]]);
    expect(handOut.waiting).toBe(0);
  });

  it("gives a subscriber still waiting the next batch with the last one, and keeps each subscriber's order", async () => {
    const { handOut, log, nextTurn, microtasks, subscriber } = setup(1);
    const [a, b, c] = ["a", "b", "c"].map(subscriber) as [Recorder, Recorder, Recorder];
    for (const s of [a, b, c]) handOut.add(s, ["1"]);
    await microtasks(); // a got event 1; b and c wait
    for (const s of [a, b, c]) handOut.add(s, ["2"]);
    nextTurn(); // b: both events at once (one write on its socket), ahead of a's second
    nextTurn(); // c: both
    nextTurn(); // a: event 2
    expect(log).toEqual([["a:1"], ["b:1", "b:2"], ["c:1", "c:2"], ["a:2"]]);
    for (const s of [a, b, c]) expect(s.got).toEqual(["1", "2"]);
  });

  it("says when everything queued has been handed out", async () => {
    const { handOut, nextTurn, microtasks, subscriber } = setup(1);
    const a = subscriber("a");
    const b = subscriber("b");
    handOut.add(a, ["1", "2"]);
    handOut.add(b, ["1"]);
    let drained = false;
    void handOut.drained().then(() => {
      drained = true;
    });
    await microtasks();
    expect(drained).toBe(false);
    nextTurn();
    await microtasks();
    expect(drained).toBe(true);
    expect(b.got).toEqual(["1"]);
    await expect(handOut.drained()).resolves.toBeUndefined();
  });

  it("drops what is waiting when cleared, and releases whoever waits for the drain", async () => {
    const { handOut, microtasks, subscriber, nextTurn } = setup(1);
    const a = subscriber("a");
    const b = subscriber("b");
    handOut.add(a, ["1"]);
    handOut.add(b, ["1"]);
    await microtasks();
    const drained = handOut.drained();
    handOut.clear();
    await expect(drained).resolves.toBeUndefined();
    nextTurn();
    expect(b.got).toEqual([]);
    expect(handOut.waiting).toBe(0);
  });
});
