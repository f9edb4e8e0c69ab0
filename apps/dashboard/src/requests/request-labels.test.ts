import { describe, expect, it } from "vitest";
import { isOpenRequest, ratingSummary, statusSummary } from "./request-labels.ts";

describe("how a request reads to its customer", () => {
  it("says a request their newer one replaced was replaced, never cancelled", () => {
    expect(statusSummary({ status: "cancelled", mechanicName: null, replaced: true })).toBe(
      "Replaced by your newer request",
    );
    expect(statusSummary({ status: "cancelled", mechanicName: null, replaced: false })).toBe("Cancelled");
    expect(statusSummary({ status: "accepted", mechanicName: "Maya Torres", replaced: false })).toBe(
      "Accepted by Maya Torres",
    );
  });

  it("counts pending and unattended requests as still waiting for a mechanic", () => {
    expect(
      (["pending", "unattended", "accepted", "cancelled", "expired"] as const).filter((status) =>
        isOpenRequest(status),
      ),
    ).toEqual(["pending", "unattended"]);
  });
});

describe("a mechanic's standing", () => {
  it("reads as the average to one decimal and how many rated", () => {
    expect(ratingSummary(4.5, 12)).toBe("4.5 ★ from 12 ratings");
    expect(ratingSummary(4.666, 3)).toBe("4.7 ★ from 3 ratings");
    expect(ratingSummary(5, 1)).toBe("5 ★ from 1 rating");
    expect(ratingSummary(null, 0)).toBe("No ratings yet");
  });
});
