// The service sessions' procedures: a session's page, chat, lifecycle and live channels for its
// two participants, and each person's list of their sessions. Every procedure on one session
// first finds the caller's place in it (access.ts): anyone else gets NOT_FOUND, before anything
// is read, written or sent.
import { lastEventIdSchema } from "@switchboard/events";
import { liveEvents, sendLiveSignal } from "../live-events.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { openSessionStatuses, participationOf, sessionEnded, sessionIdSchema } from "./access.ts";
import { cancelSession, completeInput, completeSession, joinSession, rateInput, rateSession } from "./lifecycle.ts";
import { sessionEvents, sessionSignals } from "./live.ts";
import { listMessages, markRead, markReadInput, messagesInput, sendInput, sendMessage } from "./messages.ts";
import { listMySessions, sessionView } from "./session-view.ts";
import { participantSignal } from "./signals.ts";

const sessionInput = z.strictObject({ sessionId: sessionIdSchema });

/**
 * A procedure on one session, for its participants only: `ctx.viewer` is the caller's place in
 * it. Each procedure adds its own strict input (with sessionId); this one reads only the id, so
 * a stranger is told NOT_FOUND whatever else they sent.
 */
const participantProcedure = authedProcedure
  .input(z.object({ sessionId: sessionIdSchema }))
  .use(async ({ ctx, input, next }) => {
    const viewer = await participationOf(ctx.db, ctx.user.id, input.sessionId);
    return next({ ctx: { ...ctx, viewer } });
  });

export const sessionsRouter = router({
  /** The session page; lastEventId to follow `onEvents` from. */
  get: participantProcedure.input(sessionInput).query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { ...(await sessionView(ctx.db, ctx.viewer, ctx.serviceSessions)), lastEventId };
  }),

  /** A page of the chat, oldest first; `before` pages back from the oldest message shown. */
  messages: participantProcedure.input(messagesInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    return { ...(await listMessages(ctx.db, ctx.viewer, input)), lastEventId };
  }),

  /** The session's live events (messages, read receipts, changes), resumable from lastEventId. */
  onEvents: authedProcedure
    .input(sessionInput.extend({ lastEventId: lastEventIdSchema }))
    // Not a generator: tRPC sends `started` once the resolver returns, so a refusal from here
    // reaches the client as an error with no `started` before it.
    .subscription(async ({ ctx, input, signal }) => {
      const from = ctx.events.headEventId();
      const viewer = await participationOf(ctx.db, ctx.user.id, input.sessionId);
      return sessionEvents(ctx, viewer, { from, lastEventId: input.lastEventId, signal });
    }),

  /** Sends a chat message; a retry with the same clientKey returns the same message (`duplicate`). */
  send: participantProcedure
    .input(sendInput)
    .mutation(({ ctx, input }) =>
      sendMessage({ db: ctx.db, events: ctx.events, throttle: ctx.throttle }, ctx.viewer, input),
    ),

  /** The caller has read the chat through `through` (a position); only ever moves forward. */
  markRead: participantProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.events, ctx.viewer, input.through)),

  /** The mechanic joins: waiting → active. */
  join: participantProcedure.input(sessionInput).mutation(({ ctx }) => joinSession(ctx, ctx.viewer)),

  /** The mechanic's wrap-up: active → completed. */
  complete: participantProcedure
    .input(completeInput)
    .mutation(({ ctx, input }) => completeSession(ctx, ctx.viewer, input)),

  /** Either participant ends the session: waiting or active → cancelled. */
  cancel: participantProcedure.input(sessionInput).mutation(({ ctx }) => cancelSession(ctx, ctx.viewer)),

  /** The customer rates a completed session, once. */
  rate: participantProcedure.input(rateInput).mutation(({ ctx, input }) => rateSession(ctx, ctx.viewer, input)),

  /** Typing or video signalling to the other participant: ephemeral, never a row. */
  signal: participantProcedure
    .input(z.strictObject({ sessionId: sessionIdSchema, signal: participantSignal }))
    .mutation(async ({ ctx, input }) => {
      if (!openSessionStatuses.includes(ctx.viewer.status)) throw sessionEnded("This session has ended.");
      await sendLiveSignal(ctx, "sessions.signals", input.sessionId, input.signal, { from: ctx.viewer.role });
      return { ok: true as const };
    }),

  /** The other participant's signals and presence, live from now on (untracked: nothing to resume). */
  onSignals: authedProcedure.input(sessionInput).subscription(async ({ ctx, input, signal }) => {
    const from = ctx.events.headEventId();
    const viewer = await participationOf(ctx.db, ctx.user.id, input.sessionId);
    return sessionSignals(ctx, viewer, { from, signal });
  }),

  /** The caller's sessions, as customer or mechanic; lastEventId to follow `onMine` from. */
  mine: authedProcedure.input(z.strictObject({})).query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { sessions: await listMySessions(ctx.db, ctx.user.id), lastEventId };
  }),

  /** The caller's sessions list as it changes (scope: their own user id, so nobody else's). */
  onMine: authedProcedure
    .input(z.strictObject({ lastEventId: lastEventIdSchema }))
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "sessions.mine", ctx.user.id, { lastEventId: input.lastEventId, signal }),
    ),
});
