// What the router accepts in an address before any page asks the API: ids in the path and
// values in the search. Hand-written rather than zod schemas because zod is not a dependency of
// the dashboard (and would add its weight to the first load for a uuid check and a few enums);
// TanStack Router takes a plain function for `params.parse` and `validateSearch` alike.
import { notFound } from "@tanstack/react-router";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id in the path as the API's `z.uuid()` would take it; anything else is an address with no
 * page behind it, so the route shows its not-found view and no query is sent.
 */
export function uuidParam(value: string): string {
  if (!uuidPattern.test(value)) throw notFound();
  return value;
}

/** An opaque token in the path (an invitation's), as the API's `opaqueToken` bounds it. */
export function tokenParam(value: string, { min, max }: { min: number; max: number }): string {
  if (value.length < min || value.length > max || !/^[\x21-\x7e]+$/.test(value)) throw notFound();
  return value;
}

/** A search value naming one thing by id: kept when it is a uuid, dropped (undefined) otherwise. */
export function optionalUuid(value: unknown): string | undefined {
  return typeof value === "string" && uuidPattern.test(value) ? value : undefined;
}

/**
 * A search value that must be one of a few: anything else (missing, misspelt, hand-edited)
 * falls back to the default, so a bad link still opens the page.
 */
export function oneOf<const T extends string | number>(allowed: readonly T[], fallback: T) {
  return (value: unknown): T => (allowed.includes(value as T) ? (value as T) : fallback);
}

/**
 * A search value that picks some of a few (a filter): a list (the router writes arrays as JSON)
 * or a comma-separated string (a hand-typed link), kept in the allowed order, each once, unknown
 * ones dropped. None left (or none given) is undefined: the filter is off.
 */
export function someOf<const T extends string>(allowed: readonly T[]) {
  return (value: unknown): T[] | undefined => {
    const given = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
    const picked = allowed.filter((option) => given.includes(option));
    return picked.length > 0 ? picked : undefined;
  };
}
