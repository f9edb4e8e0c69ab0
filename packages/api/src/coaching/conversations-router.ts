// coaching.conversations: the caller's own conversations (conversations.ts); the coach's reply
// streams through coaching.send (router.ts).
import { text as sharedText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import {
  createConversation,
  deleteConversation,
  findConversation,
  listConversations,
  renameConversation,
} from "./conversations.ts";

const text = (max: number) => sharedText({ max, min: 1 });

const conversationType = z.enum(["chat", "check_in", "planning", "reflection"]);
export const conversationIdInput = z.strictObject({
  conversationId: z.uuid({ error: "This conversation id is not valid." }),
});

export const conversationsRouter = router({
  /** The caller's conversations, most recently active first; lastEventId to follow `coaching.onUpdates` from. */
  list: authedProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { conversations: await listConversations(ctx.db, ctx.user.id), lastEventId };
  }),

  create: authedProcedure
    .input(
      z.strictObject({
        sessionType: conversationType.default("chat"),
        title: text(200).default("New conversation"),
      }),
    )
    .mutation(({ ctx, input }) => createConversation(ctx.db, ctx.events, ctx.user.id, input)),

  /** The conversation and its latest 200 messages, oldest first. */
  get: authedProcedure
    .input(conversationIdInput)
    .query(({ ctx, input }) => findConversation(ctx.db, ctx.user.id, input.conversationId)),

  rename: authedProcedure
    .input(conversationIdInput.extend({ title: text(200) }))
    .mutation(({ ctx, input }) =>
      renameConversation(ctx.db, ctx.events, ctx.user.id, input.conversationId, input.title),
    ),

  /** Deletes the conversation with its messages and their memories. */
  delete: authedProcedure
    .input(conversationIdInput)
    .mutation(({ ctx, input }) => deleteConversation(ctx.db, ctx.events, ctx.user.id, input.conversationId)),
});
