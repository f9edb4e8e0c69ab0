// The coaching product's live events (scope: the person's user id, so only they can follow
// it). Each carries the whole changed thing, so a client applies it without refetching.
import { z } from "zod";

const actionItemView = z.object({
  id: z.uuid(),
  title: z.string(),
  dueDate: z.iso.date().nullable(),
  status: z.enum(["open", "done"]),
  goalId: z.uuid().nullable(),
  goalTitle: z.string().nullable(),
  conversationId: z.uuid().nullable(),
  completedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

const dailySummaryView = z.object({
  id: z.uuid(),
  /** The person's calendar day, in their profile's time zone. */
  day: z.iso.date(),
  summary: z.string(),
  messageCount: z.number().int(),
  updatedAt: z.iso.datetime(),
});

const weeklySummaryView = z.object({
  id: z.uuid(),
  /** The Monday the week starts on. */
  weekStart: z.iso.date(),
  summary: z.string(),
  messageCount: z.number().int(),
  updatedAt: z.iso.datetime(),
});

const goalView = z.object({
  id: z.uuid(),
  title: z.string(),
  category: z.enum(["business", "career", "leadership", "personal", "health", "learning", "other"]),
  status: z.enum(["active", "paused", "completed", "abandoned"]),
  targetDate: z.iso.date().nullable(),
  progress: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A conversation as `coaching.conversations.list` returns it. */
const conversationView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  sessionType: z.enum(["chat", "check_in", "planning", "reflection"]),
  title: z.string(),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  _count: z.object({ messages: z.number().int() }),
});

const goalChange = z.discriminatedUnion("change", [
  z.object({ kind: z.literal("goal"), change: z.enum(["created", "updated"]), goal: goalView }),
  z.object({ kind: z.literal("goal"), change: z.literal("deleted"), goalId: z.uuid() }),
]);

/** Created, renamed, or a message stored in it (its count and activity time moved). */
const conversationChange = z.discriminatedUnion("change", [
  z.object({
    kind: z.literal("conversation"),
    change: z.enum(["created", "updated"]),
    conversation: conversationView,
  }),
  z.object({ kind: z.literal("conversation"), change: z.literal("deleted"), conversationId: z.uuid() }),
]);

const actionItemChange = z.discriminatedUnion("change", [
  z.object({ kind: z.literal("action_item"), change: z.enum(["created", "updated"]), item: actionItemView }),
  z.object({ kind: z.literal("action_item"), change: z.literal("deleted"), actionItemId: z.uuid() }),
]);

export const coachingTopics = {
  "coaching.updates": z.discriminatedUnion("kind", [
    actionItemChange,
    goalChange,
    conversationChange,
    z.object({ kind: z.literal("daily_summary"), summary: dailySummaryView }),
    z.object({ kind: z.literal("weekly_summary"), summary: weeklySummaryView }),
  ]),
};
