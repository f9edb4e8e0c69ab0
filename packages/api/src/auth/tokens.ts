// Opaque session tokens: 32 random bytes handed to the client once; only their SHA-256 is
// stored, so a copy of the database does not hold usable sessions.
import { createHash, randomBytes } from "node:crypto";

export const DEFAULT_SESSION_TTL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sessionExpiry(ttlDays: number = DEFAULT_SESSION_TTL_DAYS, now: Date = new Date()): Date {
  return new Date(now.getTime() + ttlDays * DAY_MS);
}

/** The token from `Authorization: Bearer <token>`; null for a missing or differently shaped header. */
export function tokenFromAuthorizationHeader(header: string | null | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}
