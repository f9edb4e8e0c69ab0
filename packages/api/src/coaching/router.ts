// Coaching: the signed-in person's profile, business profile, goals and conversations with an AI
// coach. Every procedure reaches only the caller's own rows (ids of other people's rows are
// NOT_FOUND, exactly like ids that do not exist), and the owner of anything written is the
// caller or the parent row's owner, never a value from the client.
import type { Goal } from "@switchboard/db";
import { requireOpenAI } from "../ai/require-openai.ts";
import { chatMessageContent } from "../ai/stream-chat.ts";
import { appError } from "../errors.ts";
import { calendarDay, multilineText, text as sharedText } from "../input-types.ts";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { actionItemsRouter } from "./action-items-router.ts";
import { coachTurn } from "./coach-reply.ts";
import { coachingSessionsRouter } from "./coaching-sessions.ts";
import { memoryIndexFor } from "./memory.ts";
import { onCoachingUpdates, summariesRouter } from "./summaries-router.ts";
import { writeUserAction } from "./usage.ts";
import { usageRouter } from "./usage-report.ts";

const goalNotFound = () => appError("NOT_FOUND", "We couldn't find that goal.");
const conversationNotFound = () => appError("NOT_FOUND", "We couldn't find that conversation.");

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
const conversationIdInput = z.strictObject({ conversationId: z.uuid({ error: "This conversation id is not valid." }) });

function goalView(goal: Goal) {
  return {
    id: goal.id,
    title: goal.title,
    category: goal.category,
    status: goal.status,
    targetDate: goal.targetDate ? goal.targetDate.toISOString().slice(0, 10) : null,
    progress: goal.progress,
    createdAt: goal.createdAt,
    updatedAt: goal.updatedAt,
  };
}

const profileRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.db.profile.findUnique({ where: { userId: ctx.user.id } })),

  upsert: authedProcedure
    .input(
      z.strictObject({
        displayName: text(100),
        /** Left out: unchanged (UTC for a new profile). */
        timezone: timezone.optional(),
        onboardingCompleted: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.db.profile.upsert({
        where: { userId: ctx.user.id },
        create: { userId: ctx.user.id, ...input },
        update: input,
      }),
    ),
});

const businessRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.db.businessProfile.findUnique({ where: { userId: ctx.user.id } })),

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
    .mutation(({ ctx, input }) =>
      ctx.db.businessProfile.upsert({
        where: { userId: ctx.user.id },
        create: { userId: ctx.user.id, ...input },
        update: input,
      }),
    ),
});

const goalsRouter = router({
  list: authedProcedure
    .input(z.strictObject({ status: goalStatus.optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const goals = await ctx.db.goal.findMany({
        where: { userId: ctx.user.id, ...(input.status ? { status: input.status } : {}) },
        orderBy: { createdAt: "asc" },
      });
      return goals.map(goalView);
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
    .mutation(async ({ ctx, input }) => {
      const goal = await ctx.db.$transaction(async (tx) => {
        const created = await tx.goal.create({ data: { userId: ctx.user.id, ...input } });
        await writeUserAction(tx, ctx.user.id, "goal.created", { goalId: created.id });
        return created;
      });
      return goalView(goal);
    }),

  update: authedProcedure
    .input(
      goalIdInput.extend(z.object(goalFields).partial().shape).refine((input) => Object.keys(input).length > 1, {
        error: "Change at least one of title, category, status, target date or progress.",
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { goalId, ...changes } = input;
      const goal = await ctx.db.$transaction(async (tx) => {
        const { count } = await tx.goal.updateMany({ where: { id: goalId, userId: ctx.user.id }, data: changes });
        if (count === 0) throw goalNotFound();
        await writeUserAction(tx, ctx.user.id, "goal.updated", { goalId });
        return tx.goal.findUniqueOrThrow({ where: { id: goalId } });
      });
      return goalView(goal);
    }),

  delete: authedProcedure.input(goalIdInput).mutation(async ({ ctx, input }) => {
    await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.goal.deleteMany({ where: { id: input.goalId, userId: ctx.user.id } });
      if (count === 0) throw goalNotFound();
      await writeUserAction(tx, ctx.user.id, "goal.deleted", { goalId: input.goalId });
    });
    return { goalId: input.goalId };
  }),
});

const conversationType = z.enum(["chat", "check_in", "planning", "reflection"]);

const conversationsRouter = router({
  /** The caller's conversations, most recently active first. */
  list: authedProcedure.query(({ ctx }) =>
    ctx.db.conversation.findMany({
      where: { userId: ctx.user.id },
      orderBy: { updatedAt: "desc" },
      take: 100,
      include: { _count: { select: { messages: true } } },
    }),
  ),

  create: authedProcedure
    .input(
      z.strictObject({
        sessionType: conversationType.default("chat"),
        title: text(200).default("New conversation"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      return ctx.db.$transaction(async (tx) => {
        const conversation = await tx.conversation.create({ data: { userId: ctx.user.id, ...input } });
        await writeUserAction(tx, ctx.user.id, "conversation.created", { conversationId: conversation.id });
        return conversation;
      });
    }),

  /** The conversation and its latest 200 messages, oldest first. */
  get: authedProcedure.input(conversationIdInput).query(async ({ ctx, input }) => {
    const conversation = await ctx.db.conversation.findFirst({
      where: { id: input.conversationId, userId: ctx.user.id },
    });
    if (!conversation) throw conversationNotFound();
    const messages = await ctx.db.message.findMany({
      where: { conversationId: conversation.id },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { id: true, role: true, content: true, status: true, tokensUsed: true, createdAt: true },
    });
    return { ...conversation, messages: messages.reverse() };
  }),

  rename: authedProcedure.input(conversationIdInput.extend({ title: text(200) })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.conversation.updateMany({
      where: { id: input.conversationId, userId: ctx.user.id },
      data: { title: input.title },
    });
    if (count === 0) throw conversationNotFound();
    return { conversationId: input.conversationId, title: input.title };
  }),

  /** Deletes the conversation with its messages and their memories. */
  delete: authedProcedure.input(conversationIdInput).mutation(async ({ ctx, input }) => {
    await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.conversation.deleteMany({
        where: { id: input.conversationId, userId: ctx.user.id },
      });
      if (count === 0) throw conversationNotFound();
      await writeUserAction(tx, ctx.user.id, "conversation.deleted", { conversationId: input.conversationId });
    });
    memoryIndexFor(ctx.db).invalidate(ctx.user.id);
    return { conversationId: input.conversationId };
  }),
});

export const coachingRouter = router({
  profile: profileRouter,
  business: businessRouter,
  goals: goalsRouter,
  conversations: conversationsRouter,
  sessions: coachingSessionsRouter,
  usage: usageRouter,
  actionItems: actionItemsRouter,
  summaries: summariesRouter,
  onUpdates: onCoachingUpdates,

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
      if (!own) throw appError("NOT_FOUND", "We couldn't find that conversation.");
      return coachTurn({ db: ctx.db, openai, log: ctx.log, jobs: ctx.jobs }, ctx.user.id, input, signal);
    }),
});
