// Where to come back to after signing in (or signing up): the address a signed-out person
// opened, carried in the sign-in page's `redirect` search param. Kept in the URL, not in
// storage, so it survives the detour to /sign-up, a reload and a copied link alike. Only a path
// on this origin is accepted: a crafted link must never send someone to another site after they
// typed their password ("//evil.example", "https://…", "/\\evil.example").

/** Long enough for any dashboard address; a longer value is not one of ours. */
const maxReturnPathLength = 2000;

/** Pages that make no sense to come back to once signed in. */
const authPaths = ["/sign-in", "/sign-up"];

/** The value as a dashboard path to return to, or undefined when it isn't one. */
export function returnPathOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > maxReturnPathLength) return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  const pathname = value.split(/[?#]/, 1)[0] ?? "";
  if (pathname === "/" || authPaths.includes(pathname)) return undefined;
  return value;
}
