// The board's filters as the address holds them (/requests?urgency=[...]&sessionType=[...]), so
// a filtered board can be bookmarked, shared and reloaded. Read by the route before the page
// asks the API: a hand-edited or stale value is dropped rather than sent.
import type { SearchSchemaInput } from "@tanstack/react-router";
import { someOf } from "../routing/route-params.ts";
import type { SessionType, Urgency } from "./request-labels.ts";

/** Most urgent first: the order the filter offers them in (and the board sorts by). */
export const boardUrgencies = ["emergency", "high", "normal", "low"] as const satisfies readonly Urgency[];
export const boardSessionTypes = ["chat", "video"] as const satisfies readonly SessionType[];

export interface BoardSearch {
  urgency: Urgency[] | undefined;
  sessionType: SessionType[] | undefined;
}

const urgencyOf = someOf<Urgency>(boardUrgencies);
const sessionTypeOf = someOf<SessionType>(boardSessionTypes);

/** The route's validateSearch: optional in a link (SearchSchemaInput), always both keys once read. */
export function validateBoardSearch(search: Partial<BoardSearch> & SearchSchemaInput): BoardSearch {
  return { urgency: urgencyOf(search.urgency), sessionType: sessionTypeOf(search.sessionType) };
}

/** The board query's filters: only those that are on (the API takes a missing key as "any"). */
export function boardFiltersOf(search: BoardSearch): { urgency?: Urgency[]; sessionType?: SessionType[] } {
  return {
    ...(search.urgency ? { urgency: search.urgency } : {}),
    ...(search.sessionType ? { sessionType: search.sessionType } : {}),
  };
}

/** One option of a filter switched on or off; the last one off turns the filter off. */
export function toggled<T extends string>(
  allowed: readonly T[],
  current: readonly T[] | undefined,
  option: T,
  on: boolean,
) {
  const next = allowed.filter((value) => (value === option ? on : (current ?? []).includes(value)));
  return next.length > 0 ? next : undefined;
}
