// Sign-up, sign-in, sign-out and session lookup over Prisma. Callers pass emails already
// normalised (trimmed, lowercase) — the router's input schema does that.
import type { Database, UserRole } from "@switchboard/db";
import { appError, isUniqueViolation } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { hashSecretToken, newSecretToken } from "../secret-tokens.ts";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password.ts";
import { publishAccessChange } from "./revocation.ts";
import { sessionExpiry } from "./tokens.ts";

const publicUser = { id: true, email: true, name: true, role: true } as const;
/** Writing lastUsedAt on every request would turn every read into a write; a minute is precise enough. */
const LAST_USED_GRANULARITY_MS = 60_000;

export interface SessionOptions {
  ttlDays?: number;
  userAgent?: string | null;
}

function newSession(options: SessionOptions) {
  const token = newSecretToken();
  const expiresAt = sessionExpiry(options.ttlDays);
  return {
    token,
    expiresAt,
    row: { tokenHash: hashSecretToken(token), expiresAt, userAgent: options.userAgent ?? null },
  };
}

export async function signUp(
  db: Database,
  input: { email: string; password: string; name: string },
  options: SessionOptions = {},
) {
  const passwordHash = await hashPassword(input.password);
  const { token, expiresAt, row } = newSession(options);
  try {
    // One nested create, so a failure leaves neither a user without a session nor the reverse.
    const user = await db.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "customer", authSessions: { create: row } },
      select: publicUser,
    });
    return { token, expiresAt, user };
  } catch (error) {
    // Two sign-ups racing for one email both pass any pre-check; the unique index decides.
    if (isUniqueViolation(error)) throw appError("EMAIL_TAKEN", "An account with that email already exists.");
    throw error;
  }
}

export async function signIn(db: Database, input: { email: string; password: string }, options: SessionOptions = {}) {
  const found = await db.user.findUnique({ where: { email: input.email } });
  // Hash even when the account does not exist, so response time does not reveal which emails exist.
  const valid = await verifyPassword(input.password, found?.passwordHash ?? (await decoyPasswordHash));
  if (!found || !valid) throw appError("INVALID_CREDENTIALS", "That email and password don't match an account.");
  const { token, expiresAt, row } = newSession(options);
  await db.authSession.create({ data: { ...row, userId: found.id } });
  return { token, expiresAt, user: { id: found.id, email: found.email, name: found.name, role: found.role } };
}

/** Ends the session, and (in the same transaction) every open socket that signed in with it. */
export async function signOut(
  db: Database,
  events: AppEventBus,
  session: { sessionId: string; userId: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.authSession.deleteMany({ where: { id: session.sessionId } });
    await publishAccessChange(events, tx, { ...session, reason: "signed_out" });
  });
}

export type ResolvedSession =
  | {
      status: "valid";
      user: { id: string; email: string; name: string; role: UserRole };
      session: { id: string; expiresAt: Date };
    }
  | { status: "expired" | "unknown" };

export async function resolveSession(db: Database, token: string, now: Date = new Date()): Promise<ResolvedSession> {
  const found = await db.authSession.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    include: { user: { select: publicUser } },
  });
  if (!found) return { status: "unknown" };
  if (found.expiresAt <= now) return { status: "expired" };
  if (now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    // updateMany: a concurrent sign-out may have deleted the row, which is not an error here.
    await db.authSession.updateMany({ where: { id: found.id }, data: { lastUsedAt: now } });
  }
  return { status: "valid", user: found.user, session: { id: found.id, expiresAt: found.expiresAt } };
}

/** What the dashboard needs about the signed-in person: who they are and what they belong to. */
export async function describeAccount(db: Database, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      ...publicUser,
      memberships: {
        select: { organizationId: true, role: true, organization: { select: { name: true } } },
        orderBy: { createdAt: "asc" },
      },
      mechanic: { select: { id: true } },
    },
  });
  const { memberships, mechanic, ...rest } = user;
  return {
    user: rest,
    memberships: memberships.map((m) => ({
      organizationId: m.organizationId,
      organizationName: m.organization.name,
      role: m.role,
    })),
    mechanicId: mechanic?.id ?? null,
  };
}
