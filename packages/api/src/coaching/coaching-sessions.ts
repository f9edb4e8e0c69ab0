// Coaching sessions: a structured meeting with the coach (type, agenda, notes, outcome) that moves
// scheduled → in_progress → completed, or to cancelled from either open state. Every move is one
// conditional UPDATE on the status it starts from, so of two tabs pressing "Start" exactly one
// wins and the other is told what happened instead of silently re-starting the session. Ids of
// other people's sessions are NOT_FOUND, like ids that do not exist.
import type { CoachingSession, CoachingSessionStatus, Database, Prisma } from "@switchboard/db";
import { appError } from "../errors.ts";
import { instant, multilineText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { type UserAction, writeUserAction } from "./usage.ts";

const sessionNotFound = () => appError("NOT_FOUND", "We couldn't find that coaching session.");
const conversationNotFound = () => appError("NOT_FOUND", "We couldn't find that conversation.");

/** Optional free text: empty clears it, so no minimum length. */
const freeText = (max: number) => multilineText({ max });

const sessionType = z.enum(["goal_setting", "check_in", "review", "planning"]);
const sessionStatus = z.enum(["scheduled", "in_progress", "completed", "cancelled"]);
const agenda = freeText(4000);
const notes = freeText(20_000);
const outcome = freeText(4000);
/** An instant with its offset ("2026-12-01T09:30:00+01:00" or "…Z"), so the client's time zone is never guessed. */
const scheduledAt = instant();

const sessionIdInput = z.strictObject({ sessionId: z.uuid({ error: "This session id is not valid." }) });

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
  edit: { from: sessionStatus.options, refusals: {}, action: null },
} satisfies Record<string, Step>;

/**
 * Applies `data` to the caller's session only if its status is one the step starts from, and
 * records the step's action in the same transaction. When nothing matched, the row is read again
 * to say why: missing (or someone else's) is NOT_FOUND, otherwise the status it is really in.
 */
function moveSession(
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

export const coachingSessionsRouter = router({
  /** The caller's sessions, newest first (the latest 200). */
  list: authedProcedure
    .input(z.strictObject({ status: sessionStatus.optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const sessions = await ctx.db.coachingSession.findMany({
        where: { userId: ctx.user.id, ...(input.status ? { status: input.status } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: 200,
      });
      return sessions.map(sessionView);
    }),

  get: authedProcedure.input(sessionIdInput).query(async ({ ctx, input }) => {
    const session = await ctx.db.coachingSession.findFirst({ where: { id: input.sessionId, userId: ctx.user.id } });
    if (!session) throw sessionNotFound();
    return sessionView(session);
  }),

  create: authedProcedure
    .input(
      z.strictObject({
        type: sessionType,
        agenda: agenda.default(""),
        scheduledAt: scheduledAt.nullable().default(null),
        /** A conversation of the caller's that this session continues; someone else's is NOT_FOUND. */
        conversationId: z.uuid({ error: "This conversation id is not valid." }).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        if (input.conversationId) {
          // FOR KEY SHARE: the conversation cannot be deleted between this check and the insert
          // (which would otherwise fail on the foreign key as an unexplained error).
          const owned = await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM conversations WHERE id = ${input.conversationId}::uuid AND user_id = ${ctx.user.id}::uuid
            FOR KEY SHARE`;
          if (owned.length === 0) throw conversationNotFound();
        }
        const session = await tx.coachingSession.create({ data: { userId: ctx.user.id, ...input } });
        await writeUserAction(tx, ctx.user.id, "coaching_session.created", {
          sessionId: session.id,
          type: session.type,
        });
        return sessionView(session);
      }),
    ),

  /** Agenda, notes and outcome can be edited in any state; only a scheduled session can be rescheduled. */
  update: authedProcedure
    .input(
      sessionIdInput
        .extend({
          agenda: agenda.optional(),
          notes: notes.optional(),
          outcome: outcome.optional(),
          scheduledAt: scheduledAt.nullable().optional(),
        })
        .refine((input) => Object.keys(input).length > 1, {
          error: "Change at least one of agenda, notes, outcome or scheduled time.",
        }),
    )
    .mutation(({ ctx, input }) => {
      const { sessionId, ...changes } = input;
      const step = changes.scheduledAt === undefined ? steps.edit : steps.reschedule;
      return moveSession(ctx.db, ctx.user.id, sessionId, step, changes);
    }),

  start: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) =>
      moveSession(ctx.db, ctx.user.id, input.sessionId, steps.start, { status: "in_progress", startedAt: new Date() }),
    ),

  complete: authedProcedure.input(sessionIdInput.extend({ outcome: outcome.optional() })).mutation(({ ctx, input }) => {
    const { sessionId, ...ending } = input;
    const data = { status: "completed", endedAt: new Date(), ...ending } as const;
    return moveSession(ctx.db, ctx.user.id, sessionId, steps.complete, data);
  }),

  cancel: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) =>
      moveSession(ctx.db, ctx.user.id, input.sessionId, steps.cancel, { status: "cancelled", endedAt: new Date() }),
    ),

  delete: authedProcedure.input(sessionIdInput).mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { count } = await tx.coachingSession.deleteMany({ where: { id: input.sessionId, userId: ctx.user.id } });
      if (count === 0) throw sessionNotFound();
      await writeUserAction(tx, ctx.user.id, "coaching_session.deleted", { sessionId: input.sessionId });
      return { sessionId: input.sessionId };
    }),
  ),
});
