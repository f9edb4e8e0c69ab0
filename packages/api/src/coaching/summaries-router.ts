// coaching.summaries: the caller's summaries (summaries.ts); they arrive live on coaching.onUpdates.
import { requireOpenAI } from "../ai/require-openai.ts";
import { appError } from "../errors.ts";
import { authedProcedure, router } from "../trpc.ts";
import { dayBounds, todayOf } from "./calendar.ts";
import { enqueueDailySummary } from "./jobs.ts";
import { latestSummaries } from "./summaries.ts";

export const summariesRouter = router({
  /** Today's summary (the caller's today, in their time zone) and the latest weekly one. */
  latest: authedProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { ...(await latestSummaries(ctx.db, ctx.user.id)), lastEventId };
  }),

  /**
   * Queues today's summary now; it arrives on `coaching.onUpdates`. `queued` is false when
   * there is nothing to summarise yet (no messages today).
   */
  refreshToday: authedProcedure.mutation(async ({ ctx }) => {
    requireOpenAI(ctx);
    if (!ctx.jobs) {
      throw appError("AI_DISABLED", "Summaries are off on this server (no background worker is running).");
    }
    const day = await todayOf(ctx.db, ctx.user.id);
    const { start, end } = await dayBounds(ctx.db, ctx.user.id, day);
    const messages = await ctx.db.message.count({
      where: { userId: ctx.user.id, createdAt: { gte: start, lt: end }, status: { not: "failed" } },
    });
    if (messages === 0) return { day, queued: false };
    await enqueueDailySummary(ctx.jobs, ctx.db, { userId: ctx.user.id, day }, "refresh");
    return { day, queued: true };
  }),
});
