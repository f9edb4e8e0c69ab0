import { describe, expect, it } from "vitest";
import { oneOf, someOf } from "./route-params.ts";

describe("a search value that picks some of a few", () => {
  const urgencies = someOf(["low", "normal", "high", "emergency"]);

  it("keeps the allowed ones, in the allowed order, each once", () => {
    expect(urgencies(["emergency", "low", "emergency"])).toEqual(["low", "emergency"]);
    expect(urgencies("high,emergency")).toEqual(["high", "emergency"]);
  });

  it("drops anything else, and is off (undefined) when nothing allowed is left", () => {
    expect(urgencies(["urgent", "high", 3, null])).toEqual(["high"]);
    expect(urgencies(["urgent"])).toBeUndefined();
    expect(urgencies("")).toBeUndefined();
    expect(urgencies(undefined)).toBeUndefined();
    expect(urgencies({ high: true })).toBeUndefined();
    expect(urgencies(7)).toBeUndefined();
  });
});

describe("a search value that must be one of a few", () => {
  it("falls back to the default for anything else", () => {
    const period = oneOf([7, 30, 90], 30);
    expect(period(90)).toBe(90);
    expect(period("90")).toBe(30);
    expect(period(undefined)).toBe(30);
  });
});
