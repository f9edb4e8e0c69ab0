// Publishing the agents' changes on `agents.activity`, always inside the change's transaction:
// the views here are the ones `agents.list` and `agents.sessions` return, so an event and a
// read can never disagree about a row's shape.
import type { Prisma, Transaction } from "@switchboard/db";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";

/** The dashboard's own test panel: sessions bound to organization members, not to a website. */
export const TEST_PANEL_DOMAIN = "switchboard-test-panel";

export const agentRowInclude = {
  publishedVersion: { select: { version: true, model: true, publishedAt: true } },
  versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, status: true } },
  _count: { select: { sessions: true } },
} satisfies Prisma.AgentInclude;

export function agentRowOf(agent: Prisma.AgentGetPayload<{ include: typeof agentRowInclude }>) {
  return {
    agentId: agent.id,
    name: agent.name,
    description: agent.description,
    published: agent.publishedVersion,
    latestVersion: agent.versions[0] ?? null,
    sessions: agent._count.sessions,
  };
}

export const agentSessionSelect = {
  id: true,
  agentId: true,
  organizationId: true,
  websiteDomain: true,
  channel: true,
  status: true,
  messageCount: true,
  startedAt: true,
  lastActivityAt: true,
  endedAt: true,
  agentVersion: { select: { version: true } },
} satisfies Prisma.AgentSessionSelect;

export function agentSessionOf({
  agentId: _agentId,
  organizationId: _organizationId,
  ...session
}: Prisma.AgentSessionGetPayload<{ select: typeof agentSessionSelect }>) {
  return { ...session, isTestPanel: session.websiteDomain === TEST_PANEL_DOMAIN };
}

/** An agent was created, edited or published. */
export async function publishAgentChange(tx: Transaction, events: AppEventBus, agentId: string) {
  const agent = await tx.agent.findUniqueOrThrow({ where: { id: agentId }, include: agentRowInclude });
  await events.publish(tx, "agents.activity", agent.organizationId, {
    kind: "agent",
    agent: eventFormOf(agentRowOf(agent)),
  });
}

/** A conversation started, a reply was stored, or it ended (one event each; visitor messages ride on the reply's). */
export async function publishSessionChange(
  tx: Transaction,
  events: AppEventBus,
  sessionId: string,
  change: "started" | "updated",
) {
  const session = await tx.agentSession.findUniqueOrThrow({ where: { id: sessionId }, select: agentSessionSelect });
  const agentSessions = await tx.agentSession.count({ where: { agentId: session.agentId } });
  await events.publish(tx, "agents.activity", session.organizationId, {
    kind: "session",
    change,
    agentId: session.agentId,
    agentSessions,
    session: eventFormOf(agentSessionOf(session)),
  });
}
