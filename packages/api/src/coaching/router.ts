// Coaching: the signed-in person's profile, business profile, goals and conversations with an AI
// coach. Every procedure reaches only the caller's own rows (ids of other people's rows are
// NOT_FOUND, exactly like ids that do not exist), and the owner of anything written is the
// caller or the parent row's owner, never a value from the client.
//
// One style for every coaching router, as in requests/: a `*-router.ts` holds its inputs and
// thin procedures, each calling a named function of the service module beside it
// (goals-router.ts → goals.ts); this file assembles them and holds the two procedures that
// belong to coaching as a whole (the coach's streamed reply and the live feed).
import { lastEventIdSchema } from "@switchboard/events";
import { requireOpenAI } from "../ai/require-openai.ts";
import { chatMessageContent } from "../ai/stream-chat.ts";
import { liveEvents } from "../live-events.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { actionItemsRouter } from "./action-items-router.ts";
import { coachTurn } from "./coach-reply.ts";
import { coachingSessionsRouter } from "./coaching-sessions-router.ts";
import { conversationNotFound } from "./conversations.ts";
import { conversationIdInput, conversationsRouter } from "./conversations-router.ts";
import { goalsRouter } from "./goals-router.ts";
import { businessRouter, profileRouter } from "./profiles-router.ts";
import { summariesRouter } from "./summaries-router.ts";
import { usageRouter } from "./usage-router.ts";

export const coachingRouter = router({
  profile: profileRouter,
  business: businessRouter,
  goals: goalsRouter,
  conversations: conversationsRouter,
  sessions: coachingSessionsRouter,
  usage: usageRouter,
  actionItems: actionItemsRouter,
  summaries: summariesRouter,

  /** Live changes to the caller's action items and summaries (scope: their own user id). */
  onUpdates: authedProcedure
    .input(z.strictObject({ lastEventId: lastEventIdSchema }))
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "coaching.updates", ctx.user.id, { lastEventId: input.lastEventId, signal }),
    ),

  /** Stores the person's message and streams the coach's reply: chunks, then "done" with the stored reply. */
  send: authedProcedure
    .input(
      conversationIdInput.extend({
        content: chatMessageContent,
      }),
    )
    // Not a generator: the AI and conversation checks answer before tRPC sends `started`.
    .subscription(async ({ ctx, input, signal }) => {
      const openai = requireOpenAI(ctx);
      const own = await ctx.db.conversation.count({ where: { id: input.conversationId, userId: ctx.user.id } });
      if (!own) throw conversationNotFound();
      return coachTurn(
        { db: ctx.db, events: ctx.events, openai, log: ctx.log, jobs: ctx.jobs },
        ctx.user.id,
        input,
        signal,
      );
    }),
});
