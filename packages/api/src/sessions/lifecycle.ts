// A session's lifecycle: waiting → active (its mechanic joins) → completed (the mechanic's
// wrap-up) or cancelled (either participant), then the customer's rating. Each change locks the
// session row first and decides on it as it stands (the join-timeout sweep, requests/, skips a
// locked row), and publishes its events in the same transaction.
import type { Database, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";
import { multilineText } from "../input-types.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishServiceSessionChange, type ServiceSessionChange } from "../service-session-changes.ts";
import { z } from "../validation-messages.ts";
import {
  openSessionStatuses,
  type Participation,
  participantUserIds,
  participationOf,
  sessionEnded,
  sessionIdSchema,
} from "./access.ts";

export const completeInput = z.strictObject({
  sessionId: sessionIdSchema,
  diagnosis: multilineText({ max: 4000, min: 1, tooShort: "Write what you found." }),
  nextSteps: multilineText({ max: 4000, min: 1, tooShort: "Write what the customer should do next." }),
  /** The recommended work's estimate, in cents (up to $1,000,000). */
  estimateCents: z
    .number()
    .int({ error: "Enter the estimate in whole cents." })
    .min(0, { error: "An estimate can't be negative." })
    .max(100_000_000, { error: "Enter an estimate up to $1,000,000." })
    .nullish(),
});

export const rateInput = z.strictObject({
  sessionId: sessionIdSchema,
  rating: z
    .number()
    .int({ error: "Choose 1 to 5 stars." })
    .min(1, { error: "Choose 1 to 5 stars." })
    .max(5, { error: "Choose 1 to 5 stars." }),
  comment: multilineText({ max: 1000 }).optional(),
});

interface Deps {
  db: Database;
  events: AppEventBus;
}

interface Viewer {
  userId: string;
  sessionId: string;
}

const ALREADY_ENDED = "This session has already ended.";

/** A change of the session as it decides it; whose lists changed is the session's to say. */
type SessionChange = Omit<ServiceSessionChange, "sessionId" | "userIds">;

/**
 * Runs one change of the session in a transaction: the row locked, the viewer's place in it
 * read as it stands (NOT_FOUND if they are no longer in it), `decide` checks and writes, and
 * the change it returns is published.
 */
function changeSession<T>(
  deps: Deps,
  viewer: Viewer,
  decide: (tx: Transaction, session: Participation, at: Date) => Promise<{ result: T; change?: SessionChange }>,
) {
  return deps.db.$transaction(async (tx) => {
    const session = await participationOf(tx, viewer.userId, viewer.sessionId, { lock: true });
    const { result, change } = await decide(tx, session, new Date());
    if (change) {
      await publishServiceSessionChange(tx, deps.events, {
        ...change,
        sessionId: session.sessionId,
        userIds: participantUserIds(session),
      });
    }
    return result;
  });
}

/** The session's mechanic starts it; joining a session already started is a no-op. */
export function joinSession(deps: Deps, viewer: Viewer) {
  return changeSession(deps, viewer, async (tx, session, at) => {
    if (session.role !== "mechanic") throw appError("NOT_YOUR_PART", "Only the session's mechanic can join it.");
    if (session.status === "active") {
      const { startedAt } = await tx.serviceSession.findUniqueOrThrow({ where: { id: session.sessionId } });
      return { result: { sessionId: session.sessionId, status: "active" as const, startedAt } };
    }
    if (session.status !== "waiting") throw sessionEnded(ALREADY_ENDED);
    await tx.serviceSession.update({ where: { id: session.sessionId }, data: { status: "active", startedAt: at } });
    return {
      change: { reason: "joined", status: "active", at },
      result: { sessionId: session.sessionId, status: "active" as const, startedAt: at as Date | null },
    };
  });
}

/** The mechanic's wrap-up completes an active session. */
export function completeSession(deps: Deps, viewer: Viewer, input: z.infer<typeof completeInput>) {
  return changeSession(deps, viewer, async (tx, session, at) => {
    if (session.role !== "mechanic") {
      throw appError("NOT_YOUR_PART", "Only the mechanic can write the wrap-up and complete the session.");
    }
    if (session.status === "waiting") throw appError("SESSION_NOT_ACTIVE", "Join the session before completing it.");
    if (session.status !== "active") throw sessionEnded(ALREADY_ENDED);
    await tx.serviceSession.update({
      where: { id: session.sessionId },
      data: {
        status: "completed",
        endedAt: at,
        diagnosis: input.diagnosis,
        nextSteps: input.nextSteps,
        estimateCents: input.estimateCents ?? null,
      },
    });
    return {
      change: { reason: "completed", status: "completed", at },
      result: { sessionId: session.sessionId, status: "completed" as const, endedAt: at },
    };
  });
}

/**
 * Either participant ends a waiting or active session. A session with no mechanic is its
 * request still on the board (pending, or unattended): that is cancelled as a request.
 */
export function cancelSession(deps: Deps, viewer: Viewer) {
  return changeSession(deps, viewer, async (tx, session, at) => {
    if (!openSessionStatuses.includes(session.status)) throw sessionEnded(ALREADY_ENDED);
    if (session.mechanicId === null) {
      throw appError(
        "SESSION_NOT_ACTIVE",
        "No mechanic has this session right now: its request is waiting on the board. Cancel the request instead.",
      );
    }
    await tx.serviceSession.update({ where: { id: session.sessionId }, data: { status: "cancelled", endedAt: at } });
    return {
      change: { reason: "cancelled", status: "cancelled", at },
      result: { sessionId: session.sessionId, status: "cancelled" as const, endedAt: at },
    };
  });
}

/** The customer rates a completed session, once. */
export function rateSession(deps: Deps, viewer: Viewer, input: z.infer<typeof rateInput>) {
  return changeSession(deps, viewer, async (tx, session, at) => {
    if (session.role !== "customer") throw appError("NOT_YOUR_PART", "Only the customer can rate this session.");
    if (session.status !== "completed") {
      throw appError("SESSION_NOT_COMPLETED", "You can rate this session once the mechanic has completed it.");
    }
    const { count } = await tx.serviceSession.updateMany({
      where: { id: session.sessionId, rating: null },
      data: { rating: input.rating, ratingComment: input.comment || null, ratedAt: at },
    });
    if (count === 0) throw appError("ALREADY_RATED", "You already rated this session.");
    return {
      change: { reason: "rated", status: "completed", at },
      result: { rating: input.rating, comment: input.comment || null, ratedAt: at },
    };
  });
}
