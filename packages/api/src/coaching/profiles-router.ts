// coaching.profile and coaching.business: the caller's own profile and business profile (profiles.ts).
import { multilineText, text as sharedText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { findBusinessProfile, findProfile, saveBusinessProfile, saveProfile } from "./profiles.ts";

const text = (max: number) => sharedText({ max, min: 1 });

const timezone = z
  .string()
  .max(100)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { error: "Choose a time zone like Europe/Paris or America/New_York." },
  );

export const profileRouter = router({
  get: authedProcedure.query(({ ctx }) => findProfile(ctx.db, ctx.user.id)),

  upsert: authedProcedure
    .input(
      z.strictObject({
        displayName: text(100),
        /** Left out: unchanged (UTC for a new profile). */
        timezone: timezone.optional(),
        onboardingCompleted: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => saveProfile(ctx.db, ctx.user.id, input)),
});

export const businessRouter = router({
  get: authedProcedure.query(({ ctx }) => findBusinessProfile(ctx.db, ctx.user.id)),

  upsert: authedProcedure
    .input(
      z.strictObject({
        companyName: text(200),
        role: text(100),
        industry: text(100),
        teamSize: z
          .number()
          .int({ error: "Use a whole number of people." })
          .min(1)
          .max(1_000_000)
          .nullable()
          .default(null),
        challenges: multilineText({ max: 4000 }).default(""),
      }),
    )
    .mutation(({ ctx, input }) => saveBusinessProfile(ctx.db, ctx.user.id, input)),
});
