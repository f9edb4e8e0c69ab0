import { describe, expect, it } from "vitest";
import {
  type BoardCard,
  type BoardPages,
  emptyBoardMarks,
  foldBoardChange,
  markBoardChange,
  visibleCards,
} from "./board-state.ts";

function card(requestId: string, minute: number): BoardCard {
  return {
    requestId,
    createdAt: new Date(Date.UTC(2026, 0, 1, 9, minute)),
    customerName: "Casey",
    vehicle: { make: "Honda", model: "Civic", year: 2016 },
    concern: "Brakes grind.",
    urgency: "normal",
    sessionType: "chat",
    plan: "basic",
    unattended: false,
  };
}

const pages: BoardPages<string | null> = {
  pages: [
    { items: [card("b", 2), card("a", 1)], nextCursor: "c1", lastEventId: "1.0" },
    { items: [card("0", 0)], nextCursor: null, lastEventId: "2.0" },
  ],
  pageParams: [null, "c1"],
};

describe("the board's pages with live events folded in", () => {
  it("puts a new card on the first page once, however often its event comes", () => {
    const created = { kind: "created" as const, card: card("c", 3) };
    const once = foldBoardChange(pages, created);
    expect(visibleCards(once, emptyBoardMarks).map((c) => c.requestId)).toEqual(["c", "b", "a", "0"]);
    expect(foldBoardChange(once, created)).toBe(once);
  });

  it("takes a card that left off whichever page holds it; a card it never had is a no-op", () => {
    const accepted = foldBoardChange(pages, { kind: "accepted", requestId: "0" });
    expect(visibleCards(accepted, emptyBoardMarks).map((c) => c.requestId)).toEqual(["b", "a"]);
    const unknown = foldBoardChange(pages, { kind: "expired", requestId: "zz" });
    expect(visibleCards(unknown, emptyBoardMarks)).toEqual(visibleCards(pages, emptyBoardMarks));
  });

  it("marks cards new only when they were not shown, and keeps a gone card gone", () => {
    const shown = new Set(["a", "b", "0"]);
    let marks = markBoardChange(emptyBoardMarks, { kind: "created", card: card("c", 3) }, shown);
    expect([...marks.fresh]).toEqual(["c"]);
    expect(marks.latest?.requestId).toBe("c");
    expect(markBoardChange(marks, { kind: "created", card: card("a", 1) }, shown)).toBe(marks);
    marks = markBoardChange(marks, { kind: "cancelled", requestId: "a" }, shown);
    // An older page read just before the removal still holds the card: it stays off the board.
    expect(visibleCards(pages, marks).map((c) => c.requestId)).toEqual(["b", "0"]);
  });
});
