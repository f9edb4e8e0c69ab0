// coaching.sessions: the caller's own coaching sessions (coaching-sessions.ts).
import { instant, multilineText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import {
  cancelCoachingSession,
  completeCoachingSession,
  createCoachingSession,
  deleteCoachingSession,
  editCoachingSession,
  findCoachingSession,
  listCoachingSessions,
  startCoachingSession,
} from "./coaching-sessions.ts";

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

export const coachingSessionsRouter = router({
  /** The caller's sessions, newest first (the latest 200). */
  list: authedProcedure
    .input(z.strictObject({ status: sessionStatus.optional() }).default({}))
    .query(({ ctx, input }) => listCoachingSessions(ctx.db, ctx.user.id, input.status)),

  get: authedProcedure
    .input(sessionIdInput)
    .query(({ ctx, input }) => findCoachingSession(ctx.db, ctx.user.id, input.sessionId)),

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
    .mutation(({ ctx, input }) => createCoachingSession(ctx.db, ctx.user.id, input)),

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
      return editCoachingSession(ctx.db, ctx.user.id, sessionId, changes);
    }),

  start: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) => startCoachingSession(ctx.db, ctx.user.id, input.sessionId)),

  complete: authedProcedure.input(sessionIdInput.extend({ outcome: outcome.optional() })).mutation(({ ctx, input }) => {
    const { sessionId, ...ending } = input;
    return completeCoachingSession(ctx.db, ctx.user.id, sessionId, ending);
  }),

  cancel: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) => cancelCoachingSession(ctx.db, ctx.user.id, input.sessionId)),

  delete: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) => deleteCoachingSession(ctx.db, ctx.user.id, input.sessionId)),
});
