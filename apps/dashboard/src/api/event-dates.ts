// Dates on the wire (packages/api/src/event-payload.ts): queries and mutations carry instants as
// Date, live events as ISO strings (their payloads are JSON). A page that folds an event into a
// query's data turns the event's instants (the fields named *At) into Dates here first, so the
// folded data has the query's shape.

/** `T` with every string field named *At, at any depth, as a Date. */
export type WithDates<T> = T extends readonly (infer Item)[]
  ? WithDates<Item>[]
  : T extends object
    ? {
        [K in keyof T]: K extends `${string}At`
          ? T[K] extends string
            ? Date
            : T[K] extends string | null
              ? Date | null
              : WithDates<T[K]>
          : WithDates<T[K]>;
      }
    : T;

/** A live event's payload in the shape of the query it is folded into. */
export function withDates<T>(payload: T): WithDates<T> {
  if (Array.isArray(payload)) return payload.map(withDates) as WithDates<T>;
  if (payload !== null && typeof payload === "object") {
    return Object.fromEntries(
      Object.entries(payload).map(([key, value]) => [
        key,
        key.endsWith("At") && typeof value === "string" ? new Date(value) : withDates(value),
      ]),
    ) as WithDates<T>;
  }
  return payload as WithDates<T>;
}
