// The mechanics' board as live events change it. The pages (useInfiniteQuery's data) are the
// board as it was read, with events folded in, idempotently: a replayed "created" finds its card
// already there, and a removal of a card we never had is a no-op. Beside the pages, the marks
// remember what events said: which requests left (so an older page read just before a removal
// cannot bring its card back) and which cards arrived while the page was open (shown as new).
// Pure, so it is easy to trust.
import type { RouterOutputs } from "@switchboard/api";
import type { InfiniteData } from "@tanstack/react-query";

type BoardPage = RouterOutputs["requests"]["board"];
export type BoardCard = BoardPage["items"][number];
/** The loaded pages, whatever the cursor's type (tRPC's hooks and its utils spell it differently). */
export type BoardPages<TCursor = unknown> = InfiniteData<BoardPage, TCursor>;

export type BoardChange =
  | { kind: "created"; card: BoardCard }
  | { kind: "accepted" | "cancelled" | "expired"; requestId: string };

/** Folds one event into the pages: a new card goes on the first page, a removal leaves every page. */
export function foldBoardChange<C>(data: BoardPages<C>, change: BoardChange): BoardPages<C> {
  if (change.kind === "created") {
    const id = change.card.requestId;
    if (data.pages.some((page) => page.items.some((card) => card.requestId === id))) return data;
    const [first, ...rest] = data.pages;
    if (!first) return data;
    return { ...data, pages: [{ ...first, items: [change.card, ...first.items] }, ...rest] };
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
  /** Requests that left the board (accepted, cancelled, expired): they never come back. */
  readonly gone: ReadonlySet<string>;
  /** Cards that were not on the board when their event came: shown as new. */
  readonly fresh: ReadonlySet<string>;
  /** The newest of those, for the announcement. */
  readonly latest: BoardCard | null;
}

export const emptyBoardMarks: BoardMarks = { gone: new Set(), fresh: new Set(), latest: null };

/** Remembers what one event said. `shown` is the ids on the board when the event came. */
export function markBoardChange(marks: BoardMarks, change: BoardChange, shown: ReadonlySet<string>): BoardMarks {
  if (change.kind === "created") {
    const id = change.card.requestId;
    if (marks.gone.has(id) || shown.has(id) || marks.fresh.has(id)) return marks;
    return { ...marks, fresh: new Set(marks.fresh).add(id), latest: change.card };
  }
  return markGone(marks, change.requestId);
}

/** A request left the board (an event said so, or accepting it told us). */
export function markGone(marks: BoardMarks, requestId: string): BoardMarks {
  if (marks.gone.has(requestId)) return marks;
  return { ...marks, gone: new Set(marks.gone).add(requestId) };
}

/** The board to show: every page's cards, each once, without the gone, newest first. */
export function visibleCards(data: BoardPages | undefined, marks: BoardMarks): BoardCard[] {
  const byId = new Map<string, BoardCard>();
  for (const page of data?.pages ?? []) {
    for (const card of page.items) if (!byId.has(card.requestId)) byId.set(card.requestId, card);
  }
  return [...byId.values()].filter((card) => !marks.gone.has(card.requestId)).sort(newestFirst);
}

/** The server's order: created_at descending, then id descending. */
function newestFirst(a: BoardCard, b: BoardCard): number {
  const age = b.createdAt.getTime() - a.createdAt.getTime();
  if (age !== 0) return age;
  if (a.requestId !== b.requestId) return a.requestId < b.requestId ? 1 : -1;
  return 0;
}
