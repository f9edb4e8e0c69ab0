import { describe, expect, it } from "vitest";
import {
  type BoardCard,
  type BoardPages,
  boardOrder,
  emptyBoardMarks,
  foldBoardChange,
  markBoardChange,
  matchesFilters,
  visibleCards,
} from "./board-state.ts";

function card(requestId: string, minute: number, changes: Partial<BoardCard> = {}): BoardCard {
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
    ...changes,
  };
}

// Two pages read from the server, in its order (oldest first within one urgency), all of it loaded.
const pages: BoardPages<string | null> = {
  pages: [
    { items: [card("0", 0), card("a", 1)], nextCursor: "c1", lastEventId: "1.0" },
    { items: [card("b", 2)], nextCursor: null, lastEventId: "2.0" },
  ],
  pageParams: [null, "c1"],
};

const ids = (cards: BoardCard[]) => cards.map((c) => c.requestId);

describe("the board's order", () => {
  it("is the server's: most urgent first, then oldest first, then by id", () => {
    const cards = [
      card("n2", 5),
      card("e1", 9, { urgency: "emergency" }),
      card("l1", 0, { urgency: "low" }),
      card("n1", 1),
      card("h1", 7, { urgency: "high" }),
      card("e0", 9, { urgency: "emergency" }),
    ];
    expect(ids([...cards].sort(boardOrder))).toEqual(["e0", "e1", "h1", "n1", "n2", "l1"]);
  });
});

describe("the board's pages with live events folded in", () => {
  it("puts a new card in its place once, however often its event comes", () => {
    const created = { kind: "created" as const, card: card("c", 3) };
    const once = foldBoardChange(pages, created);
    expect(ids(visibleCards(once, emptyBoardMarks))).toEqual(["0", "a", "b", "c"]);
    expect(foldBoardChange(once, created)).toBe(once);
    // A more urgent one goes first, whatever its age.
    const urgent = foldBoardChange(once, { kind: "created", card: card("u", 4, { urgency: "emergency" }) });
    expect(ids(visibleCards(urgent, emptyBoardMarks))).toEqual(["u", "0", "a", "b", "c"]);
  });

  it("takes a card that left off whichever page holds it; a card it never had is a no-op", () => {
    const accepted = foldBoardChange(pages, { kind: "accepted", requestId: "0" });
    expect(ids(visibleCards(accepted, emptyBoardMarks))).toEqual(["a", "b"]);
    const unknown = foldBoardChange(pages, { kind: "expired", requestId: "zz" });
    expect(visibleCards(unknown, emptyBoardMarks)).toEqual(visibleCards(pages, emptyBoardMarks));
  });

  it("leaves out a card its filters don't list", () => {
    const filters = { urgency: ["high" as const, "emergency" as const], sessionType: ["video" as const] };
    const video = card("v", 3, { urgency: "high", sessionType: "video" });
    const chat = card("w", 4, { urgency: "high", sessionType: "chat" });
    const low = card("x", 5, { urgency: "low", sessionType: "video" });
    expect([video, chat, low].map((c) => matchesFilters(c, filters))).toEqual([true, false, false]);
    expect(matchesFilters(low, {})).toBe(true);
    let data = foldBoardChange(pages, { kind: "created", card: chat }, filters);
    expect(data).toBe(pages);
    data = foldBoardChange(data, { kind: "created", card: video }, filters);
    expect(ids(visibleCards(data, emptyBoardMarks))).toEqual(["v", "0", "a", "b"]);
    expect(markBoardChange(emptyBoardMarks, { kind: "created", card: chat }, new Set(), filters)).toBe(emptyBoardMarks);
  });

  it("keeps a card that sorts after the last one read for Load more, while there are more pages", () => {
    const partial: BoardPages<string | null> = {
      pages: [{ items: [card("0", 0), card("a", 1)], nextCursor: "c1", lastEventId: "1.0" }],
      pageParams: [null],
    };
    const later = foldBoardChange(partial, { kind: "created", card: card("c", 3) });
    expect(ids(visibleCards(later, emptyBoardMarks))).toEqual(["0", "a"]);
    const urgent = foldBoardChange(later, { kind: "created", card: card("u", 4, { urgency: "high" }) });
    expect(ids(visibleCards(urgent, emptyBoardMarks))).toEqual(["u", "0", "a"]);
  });

  it("flags a card that came back unattended, in its old place", () => {
    const back = foldBoardChange(pages, { kind: "created", card: card("a", 1, { unattended: true }) });
    expect(visibleCards(back, emptyBoardMarks).find((c) => c.requestId === "a")?.unattended).toBe(true);
    expect(foldBoardChange(back, { kind: "created", card: card("a", 1, { unattended: true }) })).toBe(back);
  });
});

describe("the marks beside the pages", () => {
  it("marks cards new only when they were not shown, and keeps a gone card gone", () => {
    const shown = new Set(["a", "b", "0"]);
    let marks = markBoardChange(emptyBoardMarks, { kind: "created", card: card("c", 3) }, shown);
    expect([...marks.fresh]).toEqual(["c"]);
    expect(marks.latest?.requestId).toBe("c");
    expect(markBoardChange(marks, { kind: "created", card: card("a", 1) }, shown)).toBe(marks);
    marks = markBoardChange(marks, { kind: "cancelled", requestId: "a" }, shown);
    // An older page read just before the removal still holds the card: it stays off the board.
    expect(ids(visibleCards(pages, marks))).toEqual(["0", "b"]);
    // A replay of the card as first made does not bring it back either.
    expect(markBoardChange(marks, { kind: "created", card: card("a", 1) }, shown)).toBe(marks);
  });

  it("brings back a card that left when it returns unattended (its mechanic didn't join in time)", () => {
    const shown = new Set(["a", "b", "0"]);
    let marks = markBoardChange(emptyBoardMarks, { kind: "accepted", requestId: "a" }, shown);
    let data = foldBoardChange(pages, { kind: "accepted", requestId: "a" });
    expect(ids(visibleCards(data, marks))).toEqual(["0", "b"]);
    const back = { kind: "created" as const, card: card("a", 1, { unattended: true }) };
    marks = markBoardChange(marks, back, new Set(["b", "0"]));
    data = foldBoardChange(data, back);
    expect(ids(visibleCards(data, marks))).toEqual(["0", "a", "b"]);
    expect(marks.fresh.has("a")).toBe(true);
    expect(marks.latest?.unattended).toBe(true);
  });
});
