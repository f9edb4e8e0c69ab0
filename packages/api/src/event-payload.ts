// Dates on the wire. Procedure outputs carry instants as Date (superjson revives them, so no
// view formats them by hand); a live event's payload carries them as ISO 8601 strings, because it
// is JSON: stored in the outbox as jsonb, replayed from there, encoded once and shared by every
// subscriber (packages/events shareMessage). A view that is both a query's row and an event's
// payload is written once, with Dates, and turned into its event form here at publish time; the
// dashboard turns it back when it folds the event into the query's data (api/event-dates.ts).
// Calendar days ("YYYY-MM-DD": due dates, target dates, summary days) are strings everywhere.

/** `T` with every Date as its ISO string: what a live event carries. */
export type EventForm<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? EventForm<Item>[]
    : T extends object
      ? { [K in keyof T]: EventForm<T[K]> }
      : T;

/** The view as a live event payload: every Date, at any depth, as `toISOString()`. */
export function eventFormOf<T>(view: T): EventForm<T> {
  if (view instanceof Date) return view.toISOString() as EventForm<T>;
  if (Array.isArray(view)) return view.map(eventFormOf) as EventForm<T>;
  if (view !== null && typeof view === "object") {
    return Object.fromEntries(Object.entries(view).map(([key, value]) => [key, eventFormOf(value)])) as EventForm<T>;
  }
  return view as EventForm<T>;
}
