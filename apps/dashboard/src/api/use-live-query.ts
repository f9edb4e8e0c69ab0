// useLiveQuery: the one way a page keeps a list or a number live. The query returns the event id
// it is current to (`lastEventId`); the hook follows the query's tracked subscription from
// exactly there (so nothing that happens in between is missed, and on a reconnect wsLink resumes
// from the last event it received), and folds each event into React Query's cache, so every
// component reading that query sees the change. On a resync (the events it missed were pruned)
// it reads the query again and follows on from the new lastEventId. Types come from AppRouter
// through the tRPC hooks it is given. The pure parts are live-folds.ts.
import { type QueryKey, type SkipToken, skipToken, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { type WithDates, withDates } from "./event-dates.ts";
import { applyLiveMessage, type LiveFold, type LiveMessage } from "./live-folds.ts";
import { type LiveProblem, liveProblemOf } from "./live-updates.ts";

/** A tRPC subscription procedure as `trpc.<router>.<procedure>` offers it. */
interface LiveSubscription<TInput, TPayload> {
  useSubscription(
    input: TInput | SkipToken,
    opts: { onData: (tracked: { data: LiveMessage<TPayload> }) => void },
  ): { status: string; error: unknown; reset: () => void };
}

/** The parts of a React Query result (useQuery or useInfiniteQuery) the hook uses. */
interface LiveQueryResult<TData> {
  data: TData | undefined;
  refetch: () => Promise<{ data?: TData | undefined }>;
}

type LastEventIdOption<TData> = TData extends { lastEventId: string }
  ? { lastEventIdOf?: (data: TData) => string }
  : { lastEventIdOf: (data: TData) => string };

export type LiveQueryOptions<TData, TInput, TPayload> = {
  /** The page's query: `trpc.<procedure>.useQuery(input)` (or useInfiniteQuery). */
  query: LiveQueryResult<TData>;
  /** Its cache key: `getQueryKey(trpc.<procedure>, input, "query")` ("infinite" for useInfiniteQuery). */
  queryKey: QueryKey;
  /** The tracked subscription that says when the query's data changed: `trpc.<procedure>`. */
  subscription: LiveSubscription<TInput, TPayload>;
  /** Its input, given the event id to follow from. */
  subscriptionInput: (lastEventId: string) => TInput;
  /** Whether an event is about this query's data (default: every event of the subscription is). */
  concerns?: (event: TPayload) => boolean;
  /** Folds an event into the data; without it, each event that concerns the query reads it again. */
  fold?: LiveFold<TData, TPayload>;
  /** Called for each event that concerns the query, after it is folded in (to mark or announce it). */
  onEvent?: (event: WithDates<TPayload>) => void;
} & LastEventIdOption<TData>;

export function useLiveQuery<TData, TInput, TPayload>(
  options: LiveQueryOptions<TData, TInput, TPayload>,
): { liveProblem: LiveProblem | null } {
  const queryClient = useQueryClient();
  const { query } = options;
  const lastEventIdOf =
    options.lastEventIdOf ?? ((data: TData) => (data as unknown as { lastEventId: string }).lastEventId);
  // The first read's position, kept: later reads (after a mutation, a refocus) must not restart
  // the subscription; only a resync does, from the position its fresh read is current to.
  const [from, setFrom] = useState<string | null>(null);
  if (from === null && query.data !== undefined) setFrom(lastEventIdOf(query.data));

  // Handlers read the latest options, so a page may pass inline functions.
  const latest = useRef(options);
  latest.current = options;

  const subscription = options.subscription.useSubscription(
    from === null ? skipToken : options.subscriptionInput(from),
    {
      onData: ({ data: message }) => {
        const { queryKey, fold, concerns, onEvent } = latest.current;
        const current = queryClient.getQueryData<TData>(queryKey);
        const outcome = applyLiveMessage(current, message, { fold, concerns });
        if (message.type === "event" && outcome.kind !== "ignore") onEvent?.(withDates(message.payload));
        if (outcome.kind === "set") queryClient.setQueryData<TData>(queryKey, outcome.data);
        else if (outcome.kind === "refetch" && outcome.resync) {
          void latest.current.query.refetch().then(({ data }) => {
            if (data !== undefined) setFrom(lastEventIdOf(data));
          });
        } else if (outcome.kind === "refetch") void queryClient.invalidateQueries({ queryKey, exact: true });
      },
    },
  );

  return { liveProblem: liveProblemOf(subscription) };
}
