// coaching.actionItems: the caller's own action items (listing and every write). Ids of other
// people's items and goals are NOT_FOUND, exactly like ids that do not exist.

import { calendarDay, text } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import {
  completeActionItem,
  createActionItem,
  deleteActionItem,
  listActionItems,
  reopenActionItem,
  TITLE_MAX,
  updateActionItem,
} from "./action-items.ts";

const title = text({ max: TITLE_MAX, min: 1 });
/** "YYYY-MM-DD", stored as a DATE; null clears it. */
const dueDate = calendarDay().nullable();
const goalId = z.uuid({ error: "This goal id is not valid." }).nullable();
const actionItemIdInput = z.strictObject({ actionItemId: z.uuid({ error: "This action item id is not valid." }) });

export const actionItemsRouter = router({
  /** Open items first, then done ones, newest first; lastEventId to follow `coaching.onUpdates` from. */
  list: authedProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { items: await listActionItems(ctx.db, ctx.user.id), lastEventId };
  }),

  create: authedProcedure
    .input(z.strictObject({ title, dueDate: dueDate.optional(), goalId: goalId.optional() }))
    .mutation(({ ctx, input }) => createActionItem(ctx.db, ctx.events, ctx.user.id, input)),

  update: authedProcedure
    .input(
      actionItemIdInput
        .extend({ title: title.optional(), dueDate: dueDate.optional(), goalId: goalId.optional() })
        .refine((input) => Object.keys(input).length > 1, {
          error: "Change at least one of title, due date or goal.",
        }),
    )
    .mutation(({ ctx, input }) => {
      const { actionItemId, ...changes } = input;
      return updateActionItem(ctx.db, ctx.events, ctx.user.id, actionItemId, changes);
    }),

  complete: authedProcedure
    .input(actionItemIdInput)
    .mutation(({ ctx, input }) => completeActionItem(ctx.db, ctx.events, ctx.user.id, input.actionItemId)),

  reopen: authedProcedure
    .input(actionItemIdInput)
    .mutation(({ ctx, input }) => reopenActionItem(ctx.db, ctx.events, ctx.user.id, input.actionItemId)),

  delete: authedProcedure
    .input(actionItemIdInput)
    .mutation(({ ctx, input }) => deleteActionItem(ctx.db, ctx.events, ctx.user.id, input.actionItemId)),
});
