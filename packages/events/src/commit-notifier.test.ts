import type pg from "pg";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommitNotifier } from "./commit-notifier.ts";

// The wake-up timing rule on its own, on fake timers. The real NOTIFY path (other instances
// woken through PostgreSQL) is covered by the EventBus tests.
function notifier(intervalMs = 5) {
  const notifies: unknown[][] = [];
  const wakes: number[] = [];
  const pool = {
    query: async (config: { values: unknown[] }) => {
      notifies.push(config.values);
      return { rows: [] };
    },
  } as unknown as pg.Pool;
  const n = new CommitNotifier({
    pool,
    log: pino({ level: "silent" }),
    notify: { channel: "events", payload: "instance-a" },
    onCommitted: () => wakes.push(performance.now()),
    intervalMs,
  });
  return { n, notifies, wakes };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("CommitNotifier", () => {
  it("announces a commit after a quiet spell at once, and commits of the same turn together", async () => {
    const { n, notifies, wakes } = notifier();
    n.committed();
    n.committed();
    n.committed();
    await vi.advanceTimersByTimeAsync(0);
    expect(wakes).toEqual([0]);
    expect(notifies).toEqual([["events", "instance-a"]]);
  });

  it("announces a busy stream of commits at most once per interval, the last one included", async () => {
    const { n, wakes } = notifier(5);
    for (let t = 0; t < 23; t++) {
      n.committed();
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(10);
    // 23 commits over 23 ms: woken at 0, then at each interval's end while commits keep coming.
    expect(wakes).toEqual([0, 5, 10, 15, 20, 25]);
    for (let i = 1; i < wakes.length; i++) expect(wakes[i]! - wakes[i - 1]!).toBeGreaterThanOrEqual(5);
  });

  it("announces nothing after stop", async () => {
    const { n, wakes, notifies } = notifier();
    n.committed();
    await vi.advanceTimersByTimeAsync(1);
    n.committed();
    n.stop();
    await vi.advanceTimersByTimeAsync(20);
    n.committed();
    await vi.advanceTimersByTimeAsync(20);
    expect(wakes).toEqual([0]);
    expect(notifies).toHaveLength(1);
  });
});
