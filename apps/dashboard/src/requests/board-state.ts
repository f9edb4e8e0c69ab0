// The mechanics' board as live events change it. The loaded pages are the board as it was
// read; events since are folded in here, idempotently: a replayed "created" finds its card
// already known, and a removal of a card we never had is a no-op. Pure, so it is easy to trust.
import type { RouterOutputs } from "@switchboard/api";

export type BoardCard = RouterOutputs["requests"]["board"]["items"][number];

export type BoardChange =
  | { kind: "created"; card: BoardCard }
  | { kind: "accepted" | "cancelled" | "expired"; requestId: string };

export interface LiveBoard {
  /** Cards created since the pages were read, by request id. */
  readonly arrived: ReadonlyMap<string, BoardCard>;
  /** Requests that left the board (accepted, cancelled, expired): they never come back. */
  readonly gone: ReadonlySet<string>;
  /** Cards that were not on the board when their event came: shown as new. */
  readonly fresh: ReadonlySet<string>;
  /** The newest of those, for the announcement. */
  readonly latest: BoardCard | null;
}

export const emptyLiveBoard: LiveBoard = { arrived: new Map(), gone: new Set(), fresh: new Set(), latest: null };

/** Folds one event in. `shown` is the ids on the board when the event came. */
export function applyBoardChange(live: LiveBoard, change: BoardChange, shown: ReadonlySet<string>): LiveBoard {
  if (change.kind === "created") {
    const { card } = change;
    const id = card.requestId;
    if (live.gone.has(id) || live.arrived.has(id)) return live;
    const arrived = new Map(live.arrived).set(id, card);
    if (shown.has(id)) return { ...live, arrived };
    return { ...live, arrived, fresh: new Set(live.fresh).add(id), latest: card };
  }
  return removeCard(live, change.requestId);
}

/** A request left the board (an event said so, or accepting it told us). */
export function removeCard(live: LiveBoard, requestId: string): LiveBoard {
  if (live.gone.has(requestId)) return live;
  return { ...live, gone: new Set(live.gone).add(requestId) };
}

/**
 * After a resync the re-read pages are the whole truth about what is pending: drop the cards
 * that only events had told us about (some may have left while we missed their removal).
 */
export function afterResync(live: LiveBoard): LiveBoard {
  return { ...live, arrived: new Map(), latest: null };
}

/** The board to show: loaded pages and arrivals, each card once, without the gone, newest first. */
export function visibleCards(pages: readonly (readonly BoardCard[])[], live: LiveBoard): BoardCard[] {
  const byId = new Map<string, BoardCard>(live.arrived);
  for (const page of pages) {
    for (const card of page) if (!byId.has(card.requestId)) byId.set(card.requestId, card);
  }
  return [...byId.values()].filter((card) => !live.gone.has(card.requestId)).sort(newestFirst);
}

/** The server's order: created_at descending, then id descending. */
function newestFirst(a: BoardCard, b: BoardCard): number {
  const age = b.createdAt.getTime() - a.createdAt.getTime();
  if (age !== 0) return age;
  if (a.requestId !== b.requestId) return a.requestId < b.requestId ? 1 : -1;
  return 0;
}
