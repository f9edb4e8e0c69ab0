// coaching.usage: the caller's own usage report (usage-report.ts).
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { dailyUsage } from "./usage-report.ts";

export const usageRouter = router({
  /** The last `days` days (today included) in the caller's time zone, oldest first. */
  daily: authedProcedure
    .input(
      z
        .strictObject({
          days: z.number().int({ error: "Use a whole number of days from 1 to 90." }).min(1).max(90).default(30),
        })
        .default({ days: 30 }),
    )
    .query(({ ctx, input }) => dailyUsage(ctx.db, ctx.user.id, input.days)),
});
