// The coach's live updates for the signed-in person: new or changed action items and fresh
// summaries. The subscription starts from the event id the action items were read at, so nothing
// that happens in between is missed; each event makes the affected list read itself again, and
// on a reconnect wsLink resumes from the last event it received.
import type { RouterOutputs } from "@switchboard/api";
import { skipToken } from "@tanstack/react-query";
import { useState } from "react";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";

export type ActionItem = RouterOutputs["coaching"]["actionItems"]["list"]["items"][number];

export function useCoachingLive() {
  const utils = trpc.useUtils();
  const items = trpc.coaching.actionItems.list.useQuery();
  // The first read's position, kept: later reads must not restart the subscription.
  const [from, setFrom] = useState<string | null>(null);
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  if (from === null && items.data) setFrom(items.data.lastEventId);

  const subscription = trpc.coaching.onUpdates.useSubscription(from === null ? skipToken : { lastEventId: from }, {
    onData: onLiveMessage({
      resync: () => void utils.coaching.invalidate(),
      event: (payload) => {
        if (payload.kind === "action_item") {
          if (payload.change === "created") setArrived((ids) => new Set(ids).add(payload.item.id));
          void utils.coaching.actionItems.list.invalidate();
        } else {
          void utils.coaching.summaries.latest.invalidate();
        }
      },
    }),
  });

  return { items, arrived, liveProblem: liveProblemOf(subscription) };
}
