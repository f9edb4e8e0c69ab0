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

const actionItemChange = z.discriminatedUnion("change", [
  z.object({ kind: z.literal("action_item"), change: z.enum(["created", "updated"]), item: actionItemView }),
  z.object({ kind: z.literal("action_item"), change: z.literal("deleted"), actionItemId: z.uuid() }),
]);

export const coachingTopics = {
  "coaching.updates": z.discriminatedUnion("kind", [
    actionItemChange,
    z.object({ kind: z.literal("daily_summary"), summary: dailySummaryView }),
    z.object({ kind: z.literal("weekly_summary"), summary: weeklySummaryView }),
  ]),
};
