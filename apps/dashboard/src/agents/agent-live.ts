// The agents' live reads: each query follows `agents.onActivity` (the organization's activity)
// from the event id it was read at (api/use-live-query.ts). The list and the conversations fold
// the row an event carries; the activity numbers are aggregates (percentiles), so a conversation's
// event makes them read themselves again.
import { getQueryKey } from "@trpc/react-query";
import { upsertBy } from "../api/live-folds.ts";
import { trpc } from "../api/trpc.ts";
import { useLiveQuery } from "../api/use-live-query.ts";

/** The organization's agents with their conversation counts, live. */
export function useAgentList(organizationId: string) {
  const input = { organizationId };
  const query = trpc.agents.list.useQuery(input);
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.agents.list, input, "query"),
    subscription: trpc.agents.onActivity,
    subscriptionInput: (lastEventId) => ({ organizationId, lastEventId }),
    fold: (current, event) => {
      if (event.kind === "agent") {
        return { ...current, agents: upsertBy(current.agents, event.agent, (agent) => agent.agentId, "end") };
      }
      return {
        ...current,
        agents: current.agents.map((agent) =>
          agent.agentId === event.agentId ? { ...agent, sessions: event.agentSessions } : agent,
        ),
      };
    },
  });
  return { data: query.data?.agents, isPending: query.isPending, error: query.error, liveProblem };
}

/** An agent's conversations, newest first, live: started, each reply, ended. */
export function useAgentSessions(organizationId: string, agentId: string) {
  const input = { organizationId, agentId };
  const query = trpc.agents.sessions.useQuery(input);
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.agents.sessions, input, "query"),
    subscription: trpc.agents.onActivity,
    subscriptionInput: (lastEventId) => ({ organizationId, lastEventId }),
    concerns: (event) => event.kind === "session" && event.agentId === agentId,
    fold: (current, event) =>
      event.kind === "session"
        ? { ...current, sessions: upsertBy(current.sessions, event.session, (session) => session.id) }
        : current,
  });
  return { data: query.data?.sessions, isPending: query.isPending, error: query.error, liveProblem };
}

/** An agent's activity per day, read again whenever one of its conversations changes. */
export function useAgentStats(organizationId: string, agentId: string, days: number) {
  const input = { organizationId, agentId, days };
  const query = trpc.agents.stats.useQuery(input);
  const { liveProblem } = useLiveQuery({
    query,
    queryKey: getQueryKey(trpc.agents.stats, input, "query"),
    subscription: trpc.agents.onActivity,
    subscriptionInput: (lastEventId) => ({ organizationId, lastEventId }),
    concerns: (event) => event.kind === "session" && event.agentId === agentId,
  });
  return { data: query.data?.days, isPending: query.isPending, error: query.error, liveProblem };
}
