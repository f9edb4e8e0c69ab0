import { describe, expect, it } from "vitest";
import { boardFiltersOf, boardUrgencies, toggled, validateBoardSearch } from "./board-search.ts";

/** What the router hands validateSearch: whatever the address held. */
const read = (search: unknown) => validateBoardSearch(search as Parameters<typeof validateBoardSearch>[0]);

describe("the board's filters in the address", () => {
  it("reads lists and hand-typed values, dropping what the API would refuse", () => {
    expect(read({ urgency: ["low", "emergency"], sessionType: ["video"] })).toEqual({
      urgency: ["emergency", "low"],
      sessionType: ["video"],
    });
    // Not values a typed link could make, but what a hand-edited address holds.
    expect(read({ urgency: "high,bogus", sessionType: ["phone"] })).toEqual({
      urgency: ["high"],
      sessionType: undefined,
    });
    expect(read({})).toEqual({ urgency: undefined, sessionType: undefined });
  });

  it("asks the API only for the filters that are on", () => {
    expect(boardFiltersOf({ urgency: undefined, sessionType: undefined })).toEqual({});
    expect(boardFiltersOf({ urgency: ["high"], sessionType: undefined })).toEqual({ urgency: ["high"] });
  });

  it("switches one option at a time, and the last one off turns the filter off", () => {
    let urgency = toggled(boardUrgencies, undefined, "high", true);
    expect(urgency).toEqual(["high"]);
    urgency = toggled(boardUrgencies, urgency, "emergency", true);
    expect(urgency).toEqual(["emergency", "high"]);
    urgency = toggled(boardUrgencies, urgency, "high", false);
    expect(urgency).toEqual(["emergency"]);
    expect(toggled(boardUrgencies, urgency, "emergency", false)).toBeUndefined();
  });
});
