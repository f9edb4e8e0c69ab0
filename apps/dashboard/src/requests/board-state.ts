// The mechanics' board as live events change it. The pages (useInfiniteQuery's data) are the
// board as it was read, with events folded in, idempotently: a replayed "created" finds its card
// already there, and a removal of a card we never had is a no-op. Beside the pages, the marks
// remember what events said: which requests left (so an older page read just before a removal
// cannot bring its card back) and which cards arrived while the page was open (shown as new).
// The board shows the server's order (most urgent first, then oldest first) and only what its
// filters ask for; a card that sorts after the last loaded card waits for "Load more".
// Pure, so it is easy to trust.
import type { RouterInputs, RouterOutputs } from "@switchboard/api";
import type { InfiniteData } from "@tanstack/react-query";

type BoardPage = RouterOutputs["requests"]["board"];
export type BoardCard = BoardPage["items"][number];
/** The loaded pages, whatever the cursor's type (tRPC's hooks and its utils spell it differently). */
export type BoardPages<TCursor = unknown> = InfiniteData<BoardPage, TCursor>;

/** What the board is narrowed to (the URL's search, and the board query's input): none is everything. */
export type BoardFilters = Pick<RouterInputs["requests"]["boardCount"], "urgency" | "sessionType">;

export type BoardChange =
  | { kind: "created"; card: BoardCard }
  | { kind: "accepted" | "cancelled" | "expired"; requestId: string };

const urgencyRank: Record<BoardCard["urgency"], number> = { emergency: 0, high: 1, normal: 2, low: 3 };

/** The server's order: most urgent first, then oldest first, then by id (its keyset cursor's order). */
export function boardOrder(a: BoardCard, b: BoardCard): number {
  const urgency = urgencyRank[a.urgency] - urgencyRank[b.urgency];
  if (urgency !== 0) return urgency;
  const age = a.createdAt.getTime() - b.createdAt.getTime();
  if (age !== 0) return age;
  if (a.requestId !== b.requestId) return a.requestId < b.requestId ? -1 : 1;
  return 0;
}

/** Whether the board with these filters lists the card (as the server's `where` would). */
export function matchesFilters(card: BoardCard, filters: BoardFilters): boolean {
  if (filters.urgency && !filters.urgency.includes(card.urgency)) return false;
  if (filters.sessionType && !filters.sessionType.includes(card.sessionType)) return false;
  return true;
}

/**
 * Folds one event into the pages: a new card (or one back as unattended) goes on the first page
 * when the filters list it; a removal leaves every page.
 */
export function foldBoardChange<C>(
  data: BoardPages<C>,
  change: BoardChange,
  filters: BoardFilters = {},
): BoardPages<C> {
  if (change.kind === "created") {
    const { card } = change;
    if (!matchesFilters(card, filters)) return data;
    const held = data.pages.flatMap((page) => page.items).find((item) => item.requestId === card.requestId);
    if (held) {
      // Already there: only its unattended flag can have changed (it came back to the board).
      if (held.unattended === card.unattended) return data;
      return {
        ...data,
        pages: data.pages.map((page) => ({
          ...page,
          items: page.items.map((item) => (item.requestId === card.requestId ? card : item)),
        })),
      };
    }
    const [first, ...rest] = data.pages;
    if (!first) return data;
    return { ...data, pages: [{ ...first, items: [card, ...first.items] }, ...rest] };
  }
  return removeCardFromPages(data, change.requestId);
}

export function removeCardFromPages<C>(data: BoardPages<C>, requestId: string): BoardPages<C> {
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, items: page.items.filter((card) => card.requestId !== requestId) })),
  };
}

export interface BoardMarks {
  /** Requests that left the board (accepted, cancelled, expired) and have not come back. */
  readonly gone: ReadonlySet<string>;
  /** Cards that were not on the board when their event came: shown as new. */
  readonly fresh: ReadonlySet<string>;
  /** The newest of those, for the announcement. */
  readonly latest: BoardCard | null;
}

export const emptyBoardMarks: BoardMarks = { gone: new Set(), fresh: new Set(), latest: null };

/**
 * Remembers what one event said. `shown` is the ids on the board when the event came. A card
 * that left can come back only as unattended (its mechanic did not join in time): a replayed
 * "created" of the card as first made never brings it back.
 */
export function markBoardChange(
  marks: BoardMarks,
  change: BoardChange,
  shown: ReadonlySet<string>,
  filters: BoardFilters = {},
): BoardMarks {
  if (change.kind === "created") {
    const { card } = change;
    const id = card.requestId;
    if (!matchesFilters(card, filters)) return marks;
    if (marks.gone.has(id)) {
      if (!card.unattended) return marks;
      const gone = new Set(marks.gone);
      gone.delete(id);
      return { gone, fresh: new Set(marks.fresh).add(id), latest: card };
    }
    if (shown.has(id) || marks.fresh.has(id)) return marks;
    return { ...marks, fresh: new Set(marks.fresh).add(id), latest: card };
  }
  return markGone(marks, change.requestId);
}

/** A request left the board (an event said so, or accepting it told us). */
export function markGone(marks: BoardMarks, requestId: string): BoardMarks {
  if (marks.gone.has(requestId)) return marks;
  return { ...marks, gone: new Set(marks.gone).add(requestId) };
}

/**
 * The board to show: every page's cards, each once, without the gone, in the server's order.
 * While there are more pages to load, a card that sorts after the last one read is left for
 * "Load more" (it comes with the next page), so the list never has a hole in its order.
 */
export function visibleCards(data: BoardPages | undefined, marks: BoardMarks): BoardCard[] {
  const byId = new Map<string, BoardCard>();
  for (const page of data?.pages ?? []) {
    for (const card of page.items) if (!byId.has(card.requestId)) byId.set(card.requestId, card);
  }
  const cards = [...byId.values()].filter((card) => !marks.gone.has(card.requestId)).sort(boardOrder);
  const lastPage = data?.pages.at(-1);
  const boundary = lastPage?.nextCursor ? lastPage.items.at(-1) : undefined;
  return boundary ? cards.filter((card) => boardOrder(card, boundary) <= 0) : cards;
}
