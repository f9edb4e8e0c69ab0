import { lastEventIdSchema } from "@switchboard/events";
import { appError } from "../errors.ts";
import { liveEvents } from "../live-events.ts";
import type { OnboardingRuntime } from "../services.ts";
import { adminProcedure, authedProcedure, publicProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { completeOnboarding, ownedProgress, retryOnboarding, revealApiKey } from "./lifecycle.ts";
import { listOpenSyncs } from "./pending-syncs.ts";
import { listPlans } from "./plans.ts";
import { onboardingInput, startOnboarding } from "./start.ts";

const sessionInput = z.strictObject({ sessionId: z.uuid({ error: "This sign-up link is not valid." }) });

/** The process's onboarding runtime, or a plain refusal when this process has none. */
function runtimeOf(ctx: { onboarding: OnboardingRuntime | null }): OnboardingRuntime {
  if (!ctx.onboarding) throw appError("INTERNAL", "Onboarding is not available on this server.");
  return ctx.onboarding;
}

export const onboardingRouter = router({
  /** The plans on offer with their prices: public, so a sign-up page can show them before sign-in. */
  plans: publicProcedure.query(() => listPlans()),

  /** A business's details; returns the Stripe checkout URL when payments are configured. */
  start: authedProcedure
    .input(onboardingInput)
    .mutation(({ ctx, input }) =>
      startOnboarding({ db: ctx.db, events: ctx.events, runtime: runtimeOf(ctx), log: ctx.log }, ctx.user, input),
    ),

  /** The session's progress and the position to subscribe from. */
  get: authedProcedure.input(sessionInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    return { ...(await ownedProgress(ctx.db, ctx.user.id, input.sessionId)), lastEventId };
  }),

  /** The signed-in person's onboardings, newest first; lastEventId to follow `onMine` from. */
  mine: authedProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    const sessions = await ctx.db.onboardingSession.findMany({
      where: { userId: ctx.user.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, status: true, createdAt: true, completedAt: true, requestData: true },
    });
    return { sessions, lastEventId };
  }),

  /** Which of the caller's own onboardings changed (scope: their own user id, so nobody else's). */
  onMine: authedProcedure
    .input(z.strictObject({ lastEventId: lastEventIdSchema }))
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "onboarding.mine", ctx.user.id, { lastEventId: input.lastEventId, signal }),
    ),

  /** Starts the pipeline once; another tab gets ONBOARDING_IN_PROGRESS and follows the same progress. */
  complete: authedProcedure
    .input(sessionInput)
    .mutation(({ ctx, input }) =>
      completeOnboarding({ db: ctx.db, events: ctx.events, runtime: runtimeOf(ctx) }, ctx.user.id, input.sessionId),
    ),

  retry: authedProcedure
    .input(sessionInput)
    .mutation(({ ctx, input }) =>
      retryOnboarding({ db: ctx.db, events: ctx.events, runtime: runtimeOf(ctx) }, ctx.user.id, input.sessionId),
    ),

  revealApiKey: authedProcedure
    .input(sessionInput)
    .mutation(({ ctx, input }) =>
      revealApiKey({ db: ctx.db, events: ctx.events, secrets: ctx.ai?.secrets ?? null }, ctx.user.id, input.sessionId),
    ),

  /** Live progress of one session, for its owner only (FORBIDDEN before any event otherwise). */
  progress: authedProcedure
    .input(sessionInput.extend({ lastEventId: lastEventIdSchema }))
    // Not a generator: the refusal is sent before (instead of) tRPC's `started`.
    .subscription(async ({ ctx, input, signal }) => {
      const owned = await ctx.db.onboardingSession.count({ where: { id: input.sessionId, userId: ctx.user.id } });
      if (!owned) throw appError("FORBIDDEN_RESOURCE", "You can't follow this sign-up.");
      return liveEvents(ctx, "onboarding.progress", input.sessionId, { lastEventId: input.lastEventId, signal });
    }),

  /** For administrators: compensation records still pending or given up on. */
  pendingSyncs: adminProcedure.query(({ ctx }) => listOpenSyncs(ctx.db)),
});
