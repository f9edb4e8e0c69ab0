// The pure parts of useLiveQuery (use-live-query.ts): what one live message does to a query's
// cached data, and the list folds most pages need. Pure, so they are easy to trust and to test.
import { type WithDates, withDates } from "./event-dates.ts";

/** What a live subscription sends: an event, or word that the events after its lastEventId were pruned. */
export type LiveMessage<TPayload> = { type: "event"; payload: TPayload } | { type: "resync" };

/** Folds one event (its instants already Dates) into the query's data. */
export type LiveFold<TData, TPayload> = (current: TData, event: WithDates<TPayload>) => TData;

/**
 * What the hook does with one message: fold it into the cached data, or read the query again —
 * on a resync (the missed events are gone), for an event the page has no fold for (an
 * aggregate, such as percentiles, that no event can update), or when nothing is cached yet.
 * `concerns` lets a page ignore the events of a topic that are about something else.
 */
export function applyLiveMessage<TData, TPayload>(
  current: TData | undefined,
  message: LiveMessage<TPayload>,
  options: { fold?: LiveFold<TData, TPayload> | undefined; concerns?: ((event: TPayload) => boolean) | undefined },
): { kind: "ignore" } | { kind: "refetch"; resync: boolean } | { kind: "set"; data: TData } {
  if (message.type === "resync") return { kind: "refetch", resync: true };
  if (options.concerns && !options.concerns(message.payload)) return { kind: "ignore" };
  if (!options.fold || current === undefined) return { kind: "refetch", resync: false };
  return { kind: "set", data: options.fold(current, withDates(message.payload)) };
}

/**
 * The list with `item` in place of the one with its key, or added (at the start, for
 * newest-first lists, or at the end). Idempotent: folding the same event twice changes nothing.
 */
export function upsertBy<TItem>(
  list: readonly TItem[],
  item: TItem,
  keyOf: (item: TItem) => string,
  where: "start" | "end" = "start",
): TItem[] {
  const key = keyOf(item);
  const index = list.findIndex((existing) => keyOf(existing) === key);
  if (index >= 0) return list.map((existing, i) => (i === index ? item : existing));
  return where === "start" ? [item, ...list] : [...list, item];
}

/** The list without the item with this key (a no-op when it is not there). */
export function removeBy<TItem>(list: readonly TItem[], key: string, keyOf: (item: TItem) => string): TItem[] {
  return list.filter((item) => keyOf(item) !== key);
}
