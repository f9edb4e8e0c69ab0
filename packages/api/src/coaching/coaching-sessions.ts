// Coaching sessions: a structured meeting with the coach (type, agenda, notes, outcome) that moves
// scheduled → in_progress → completed, or to cancelled from either open state. Every move is one
// conditional UPDATE on the status it starts from, so of two tabs pressing "Start" exactly one
// wins and the other is told what happened instead of silently re-starting the session. Ids of
// other people's sessions are NOT_FOUND, like ids that do not exist.
import type { CoachingSession, CoachingSessionStatus, CoachingSessionType, Database, Prisma } from "@switchboard/db";
import { appError } from "../errors.ts";
import { conversationNotFound } from "./conversations.ts";
import { type UserAction, writeUserAction } from "./usage.ts";

const sessionNotFound = () => appError("NOT_FOUND", "We couldn't find that coaching session.");

const SESSION_STATUSES: CoachingSessionStatus[] = ["scheduled", "in_progress", "completed", "cancelled"];

function sessionView(session: CoachingSession) {
  return {
    id: session.id,
    type: session.type,
    status: session.status,
    agenda: session.agenda,
    notes: session.notes,
    outcome: session.outcome,
    scheduledAt: session.scheduledAt,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    conversationId: session.conversationId,
    createdAt: session.createdAt,
  };
}

interface Step {
  /** The statuses the step starts from. */
  from: CoachingSessionStatus[];
  /** Why a session in any other status cannot take the step, said to the person. */
  refusals: Partial<Record<CoachingSessionStatus, string>>;
  action: UserAction | null;
}

const steps = {
  start: {
    from: ["scheduled"],
    refusals: {
      in_progress: "This session has already started.",
      completed: "This session has already ended.",
      cancelled: "This session was cancelled, so it can't be started.",
    },
    action: "coaching_session.started",
  },
  complete: {
    from: ["in_progress"],
    refusals: {
      scheduled: "Start this session before completing it.",
      completed: "This session has already ended.",
      cancelled: "This session was cancelled, so it can't be completed.",
    },
    action: "coaching_session.completed",
  },
  cancel: {
    from: ["scheduled", "in_progress"],
    refusals: {
      completed: "This session has already ended.",
      cancelled: "This session was already cancelled.",
    },
    action: "coaching_session.cancelled",
  },
  reschedule: {
    from: ["scheduled"],
    refusals: {
      in_progress: "This session has already started, so it can't be rescheduled.",
      completed: "This session has already ended, so it can't be rescheduled.",
      cancelled: "This session was cancelled, so it can't be rescheduled.",
    },
    action: null,
  },
  edit: { from: SESSION_STATUSES, refusals: {}, action: null },
} satisfies Record<string, Step>;

/**
 * Applies `data` to the caller's session only if its status is one the step starts from, and
 * records the step's action in the same transaction. When nothing matched, the row is read again
 * to say why: missing (or someone else's) is NOT_FOUND, otherwise the status it is really in.
 */
async function moveSession(
  db: Database,
  userId: string,
  sessionId: string,
  step: Step,
  data: Prisma.CoachingSessionUpdateManyMutationInput,
) {
  return db.$transaction(async (tx) => {
    const [changed] = await tx.coachingSession.updateManyAndReturn({
      where: { id: sessionId, userId, status: { in: step.from } },
      data,
    });
    if (changed) {
      if (step.action) await writeUserAction(tx, userId, step.action, { sessionId, type: changed.type });
      return sessionView(changed);
    }
    const current = await tx.coachingSession.findFirst({ where: { id: sessionId, userId }, select: { status: true } });
    if (!current) throw sessionNotFound();
    const refusal = step.refusals[current.status];
    // No refusal: the row is in a status the step starts from, so it changed between the update and this read.
    if (!refusal) throw appError("TRY_AGAIN", "That session changed just now. Please try again.");
    throw appError("COACHING_SESSION_WRONG_STATE", refusal);
  });
}

/** The caller's sessions, newest first (the latest 200). */
export async function listCoachingSessions(db: Database, userId: string, status: CoachingSessionStatus | undefined) {
  const sessions = await db.coachingSession.findMany({
    where: { userId, ...(status ? { status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  return sessions.map(sessionView);
}

export async function findCoachingSession(db: Database, userId: string, sessionId: string) {
  const session = await db.coachingSession.findFirst({ where: { id: sessionId, userId } });
  if (!session) throw sessionNotFound();
  return sessionView(session);
}

export interface NewCoachingSession {
  type: CoachingSessionType;
  agenda: string;
  scheduledAt: Date | null;
  /** A conversation of the caller's that this session continues; someone else's is NOT_FOUND. */
  conversationId: string | null;
}

export function createCoachingSession(db: Database, userId: string, input: NewCoachingSession) {
  return db.$transaction(async (tx) => {
    if (input.conversationId) {
      // FOR KEY SHARE: the conversation cannot be deleted between this check and the insert
      // (which would otherwise fail on the foreign key as an unexplained error).
      const owned = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM conversations WHERE id = ${input.conversationId}::uuid AND user_id = ${userId}::uuid
        FOR KEY SHARE`;
      if (owned.length === 0) throw conversationNotFound();
    }
    const session = await tx.coachingSession.create({ data: { userId, ...input } });
    await writeUserAction(tx, userId, "coaching_session.created", { sessionId: session.id, type: session.type });
    return sessionView(session);
  });
}

/** Agenda, notes and outcome can be edited in any state; only a scheduled session can be rescheduled. */
export function editCoachingSession(
  db: Database,
  userId: string,
  sessionId: string,
  changes: { agenda?: string; notes?: string; outcome?: string; scheduledAt?: Date | null },
) {
  const step = changes.scheduledAt === undefined ? steps.edit : steps.reschedule;
  return moveSession(db, userId, sessionId, step, changes);
}

export const startCoachingSession = (db: Database, userId: string, sessionId: string) =>
  moveSession(db, userId, sessionId, steps.start, { status: "in_progress", startedAt: new Date() });

export const completeCoachingSession = (
  db: Database,
  userId: string,
  sessionId: string,
  ending: { outcome?: string },
) => moveSession(db, userId, sessionId, steps.complete, { status: "completed", endedAt: new Date(), ...ending });

export const cancelCoachingSession = (db: Database, userId: string, sessionId: string) =>
  moveSession(db, userId, sessionId, steps.cancel, { status: "cancelled", endedAt: new Date() });

export function deleteCoachingSession(db: Database, userId: string, sessionId: string) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.coachingSession.deleteMany({ where: { id: sessionId, userId } });
    if (count === 0) throw sessionNotFound();
    await writeUserAction(tx, userId, "coaching_session.deleted", { sessionId });
    return { sessionId };
  });
}
