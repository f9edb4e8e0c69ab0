// Session tokens are secret tokens (secret-tokens.ts): handed to the client once, stored only as
// their SHA-256. What is particular to sessions lives here: their lifetime and how HTTP carries them.
export const DEFAULT_SESSION_TTL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function sessionExpiry(ttlDays: number = DEFAULT_SESSION_TTL_DAYS, now: Date = new Date()): Date {
  return new Date(now.getTime() + ttlDays * DAY_MS);
}

/** The token from `Authorization: Bearer <token>`; null for a missing or differently shaped header. */
export function tokenFromAuthorizationHeader(header: string | null | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}
