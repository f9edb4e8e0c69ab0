import { describe, expect, it } from "vitest";
import type { WithDates } from "./event-dates.ts";
import { applyLiveMessage, removeBy, upsertBy } from "./live-folds.ts";

type RowEvent = { kind: "row"; row: { id: string; title: string; updatedAt: string } } | { kind: "other" };

const byId = (row: { id: string }) => row.id;
const data = { rows: [{ id: "a", title: "A", updatedAt: new Date("2026-01-01T00:00:00Z") }], lastEventId: "1.0" };
const fold = (current: typeof data, event: WithDates<RowEvent>) =>
  event.kind === "row" ? { ...current, rows: upsertBy(current.rows, event.row, byId) } : current;
const changed: RowEvent = { kind: "row", row: { id: "a", title: "A2", updatedAt: "2026-01-02T00:00:00.000Z" } };

describe("applyLiveMessage", () => {
  it("folds an event into the data, its instants turned back into Dates", () => {
    const outcome = applyLiveMessage(data, { type: "event", payload: changed }, { fold });
    expect(outcome).toEqual({
      kind: "set",
      data: { rows: [{ id: "a", title: "A2", updatedAt: new Date("2026-01-02T00:00:00Z") }], lastEventId: "1.0" },
    });
  });

  it("folding the same event twice gives the same data", () => {
    const once = applyLiveMessage(data, { type: "event", payload: changed }, { fold });
    if (once.kind !== "set") throw new Error("expected a fold");
    expect(applyLiveMessage(once.data, { type: "event", payload: changed }, { fold })).toEqual(once);
  });

  it("reads the query again on a resync, and says it was one", () => {
    expect(applyLiveMessage(data, { type: "resync" }, { fold })).toEqual({ kind: "refetch", resync: true });
  });

  it("reads the query again for an event it has no fold for, or when nothing is cached yet", () => {
    expect(applyLiveMessage(data, { type: "event", payload: changed }, {})).toEqual({ kind: "refetch", resync: false });
    expect(applyLiveMessage(undefined, { type: "event", payload: changed }, { fold })).toEqual({
      kind: "refetch",
      resync: false,
    });
  });

  it("ignores events that do not concern the query", () => {
    const concerns = (event: RowEvent) => event.kind === "row";
    expect(applyLiveMessage(data, { type: "event", payload: { kind: "other" } }, { fold, concerns })).toEqual({
      kind: "ignore",
    });
  });
});

describe("list folds", () => {
  const list = [
    { id: "b", n: 1 },
    { id: "a", n: 1 },
  ];
  it("replaces an item in place, or adds a new one at the chosen end", () => {
    expect(upsertBy(list, { id: "a", n: 2 }, byId)).toEqual([
      { id: "b", n: 1 },
      { id: "a", n: 2 },
    ]);
    expect(upsertBy(list, { id: "c", n: 1 }, byId).map(byId)).toEqual(["c", "b", "a"]);
    expect(upsertBy(list, { id: "c", n: 1 }, byId, "end").map(byId)).toEqual(["b", "a", "c"]);
  });

  it("removes an item by key, and removing one that is not there changes nothing", () => {
    expect(removeBy(list, "b", byId)).toEqual([{ id: "a", n: 1 }]);
    expect(removeBy(list, "z", byId)).toEqual(list);
  });
});
