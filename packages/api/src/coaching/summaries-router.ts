// coaching.summaries and coaching.onUpdates: the caller's summaries, and the live feed of their
// action items and summaries (scope: their own user id, so nobody can follow anyone else's).
import { lastEventIdSchema } from "@switchboard/events";
import { requireOpenAI } from "../ai/require-openai.ts";
import { appError } from "../errors.ts";
import { liveEvents } from "../live-events.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
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

/** Live changes to the caller's action items and summaries. */
export const onCoachingUpdates = authedProcedure
  .input(z.strictObject({ lastEventId: lastEventIdSchema }))
  .subscription(({ ctx, input, signal }) =>
    liveEvents(ctx, "coaching.updates", ctx.user.id, { lastEventId: input.lastEventId, signal }),
  );
