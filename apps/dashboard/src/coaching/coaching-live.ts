// The coach's live reads for the signed-in person: every list follows `coaching.onUpdates` (scope:
// their own user id) from the event id it was read at (api/use-live-query.ts), so a second tab
// sees a goal, a conversation, an action item or a summary as soon as it is stored. Goals,
// conversations and action items fold the row an event carries; summaries are read again.
import type { RouterOutputs } from "@switchboard/api";
import { getQueryKey } from "@trpc/react-query";
import { useState } from "react";
import { removeBy, upsertBy } from "../api/live-folds.ts";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";

export type ActionItem = RouterOutputs["coaching"]["actionItems"]["list"]["items"][number];

const byId = (row: { id: string }) => row.id;

/** The server's order for action items: open ones first, then done ones, newest first. */
function actionItemOrder(a: ActionItem, b: ActionItem): number {
  if (a.status !== b.status) return a.status === "open" ? -1 : 1;
  return b.createdAt.getTime() - a.createdAt.getTime();
}

/** The person's action items, live; `arrived` names the ones that came in since the page opened. */
export function useCoachingLive() {
  const items = trpc.coaching.actionItems.list.useQuery();
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  const { liveProblem } = useLiveQuery({
    query: items,
    queryKey: getQueryKey(trpc.coaching.actionItems.list, undefined, "query"),
    subscription: trpc.coaching.onUpdates,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    concerns: (event) => event.kind === "action_item",
    fold: (current, event) => {
      if (event.kind !== "action_item") return current;
      if (event.change === "deleted") return { ...current, items: removeBy(current.items, event.actionItemId, byId) };
      return { ...current, items: upsertBy(current.items, event.item, byId).sort(actionItemOrder) };
    },
    onEvent: (event) => {
      if (event.kind === "action_item" && event.change === "created") {
        setArrived((ids) => new Set(ids).add(event.item.id));
      }
    },
  });
  return { items, arrived, liveProblem };
}

/** Today's and this week's summaries, read again when the coach writes one. */
export function useLiveSummaries() {
  const latest = trpc.coaching.summaries.latest.useQuery();
  const { liveProblem } = useLiveQuery({
    query: latest,
    queryKey: getQueryKey(trpc.coaching.summaries.latest, undefined, "query"),
    subscription: trpc.coaching.onUpdates,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    concerns: (event) => event.kind === "daily_summary" || event.kind === "weekly_summary",
  });
  return { latest, liveProblem };
}

/** The person's goals, oldest first, live. */
export function useLiveGoals() {
  const query = trpc.coaching.goals.list.useQuery();
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.coaching.goals.list, undefined, "query"),
    subscription: trpc.coaching.onUpdates,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    concerns: (event) => event.kind === "goal",
    fold: (current, event) => {
      if (event.kind !== "goal") return current;
      if (event.change === "deleted") return { ...current, goals: removeBy(current.goals, event.goalId, byId) };
      return { ...current, goals: upsertBy(current.goals, event.goal, byId, "end") };
    },
  });
  return { data: query.data?.goals, isPending: query.isPending, error: query.error, liveProblem };
}

/** The person's conversations, most recently active first, live. */
export function useLiveConversations() {
  const query = trpc.coaching.conversations.list.useQuery();
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.coaching.conversations.list, undefined, "query"),
    subscription: trpc.coaching.onUpdates,
    subscriptionInput: (lastEventId) => ({ lastEventId }),
    concerns: (event) => event.kind === "conversation",
    fold: (current, event) => {
      if (event.kind !== "conversation") return current;
      if (event.change === "deleted") {
        return { ...current, conversations: removeBy(current.conversations, event.conversationId, byId) };
      }
      const conversations = upsertBy(current.conversations, event.conversation, byId).sort(
        (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime(),
      );
      return { ...current, conversations };
    },
  });
  return { data: query.data?.conversations, error: query.error, liveProblem };
}
