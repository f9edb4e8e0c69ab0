// The agents' live events (scope: the organization id, followed by its members only). Each
// carries the changed thing, so the dashboard folds it in: an agent's row in the list, or one
// conversation as the agent page lists it. The activity numbers are aggregates (percentiles),
// so a conversation's event makes them read themselves again instead.
import { z } from "zod";

const agentRow = z.object({
  agentId: z.uuid(),
  name: z.string(),
  description: z.string(),
  published: z
    .object({ version: z.number().int(), model: z.string(), publishedAt: z.iso.datetime().nullable() })
    .nullable(),
  latestVersion: z.object({ version: z.number().int(), status: z.enum(["draft", "published", "archived"]) }).nullable(),
  sessions: z.number().int(),
});

const agentSession = z.object({
  id: z.uuid(),
  websiteDomain: z.string(),
  channel: z.enum(["web", "voice", "api"]),
  status: z.enum(["active", "ended", "expired"]),
  messageCount: z.number().int(),
  startedAt: z.iso.datetime(),
  lastActivityAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  agentVersion: z.object({ version: z.number().int() }),
  isTestPanel: z.boolean(),
});

export const agentTopics = {
  "agents.activity": z.discriminatedUnion("kind", [
    /** An agent was created, edited or published: its row as `agents.list` returns it. */
    z.object({ kind: z.literal("agent"), agent: agentRow }),
    /**
     * A conversation started, a reply was stored, or it ended. `agentSessions` is the agent's
     * conversation count after the change (a total, so folding it twice changes nothing).
     */
    z.object({
      kind: z.literal("session"),
      change: z.enum(["started", "updated"]),
      agentId: z.uuid(),
      agentSessions: z.number().int(),
      session: agentSession,
    }),
  ]),
};
