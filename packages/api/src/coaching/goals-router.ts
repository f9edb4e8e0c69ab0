// coaching.goals: the caller's own goals (goals.ts).
import { calendarDay, text as sharedText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { createGoal, deleteGoal, listGoals, updateGoal } from "./goals.ts";

const text = (max: number) => sharedText({ max, min: 1 });

/** A calendar day, "YYYY-MM-DD", stored as a DATE (no time zone games). */
const day = calendarDay();

const goalCategory = z.enum(["business", "career", "leadership", "personal", "health", "learning", "other"]);
const goalStatus = z.enum(["active", "paused", "completed", "abandoned"]);
const progress = z.number().int({ error: "Use a whole number from 0 to 100." }).min(0).max(100);
const goalFields = {
  title: text(200),
  category: goalCategory,
  status: goalStatus,
  targetDate: day.nullable(),
  progress,
};

const goalIdInput = z.strictObject({ goalId: z.uuid({ error: "This goal id is not valid." }) });

export const goalsRouter = router({
  /** The caller's goals, oldest first; lastEventId to follow `coaching.onUpdates` from. */
  list: authedProcedure
    .input(z.strictObject({ status: goalStatus.optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const lastEventId = ctx.events.headEventId();
      return { goals: await listGoals(ctx.db, ctx.user.id, input.status), lastEventId };
    }),

  create: authedProcedure
    .input(
      z.strictObject({
        title: goalFields.title,
        category: goalCategory.default("other"),
        status: goalStatus.default("active"),
        targetDate: goalFields.targetDate.default(null),
        progress: progress.default(0),
      }),
    )
    .mutation(({ ctx, input }) => createGoal(ctx.db, ctx.events, ctx.user.id, input)),

  update: authedProcedure
    .input(
      goalIdInput.extend(z.object(goalFields).partial().shape).refine((input) => Object.keys(input).length > 1, {
        error: "Change at least one of title, category, status, target date or progress.",
      }),
    )
    .mutation(({ ctx, input }) => {
      const { goalId, ...changes } = input;
      return updateGoal(ctx.db, ctx.events, ctx.user.id, goalId, changes);
    }),

  delete: authedProcedure
    .input(goalIdInput)
    .mutation(({ ctx, input }) => deleteGoal(ctx.db, ctx.events, ctx.user.id, input.goalId)),
});
