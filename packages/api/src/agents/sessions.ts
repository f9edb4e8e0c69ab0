// Agent sessions: a website starts one for a published agent (its Origin must be on the agent's
// allowed list) and gets an opaque id bound to that agent, domain and the version published at
// that moment. Every message checks the binding again, the session's idle expiry and its rate
// limit, under a lock on the session row (so concurrent messages count correctly).
import { randomBytes } from "node:crypto";
import type { Database } from "@switchboard/db";
import { appError } from "../errors.ts";
import { domainAllowed } from "./config.ts";

/** The dashboard's own test panel: sessions bound to organization members, not to a website. */
export const TEST_PANEL_DOMAIN = "switchboard-test-panel";

const chatNotFound = () => appError("NOT_FOUND", "This chat doesn't exist or has ended. Start a new one.");

export function hostOf(origin: string | null): string | null {
  if (!origin) return null;
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export async function startAgentSession(
  db: Database,
  input: { agentId: string; channel: "web" | "voice" | "api"; contextData: Record<string, unknown> },
  caller: { origin: string | null; ip: string | null; testPanelOrganizationIds?: string[] },
) {
  const agent = await db.agent.findUnique({ where: { id: input.agentId }, include: { publishedVersion: true } });
  const version = agent?.publishedVersion;
  if (!agent || !version) throw appError("NOT_FOUND", "This assistant isn't available.");
  const forTestPanel = caller.testPanelOrganizationIds?.includes(agent.organizationId) ?? false;
  const host = forTestPanel ? TEST_PANEL_DOMAIN : hostOf(caller.origin);
  if (!host) {
    throw appError(
      "FORBIDDEN_RESOURCE",
      "This assistant can only be used from its website (the request had no origin).",
    );
  }
  if (!forTestPanel && !domainAllowed(version.allowedDomains, host)) {
    throw appError("FORBIDDEN_RESOURCE", `This assistant isn't enabled for ${host}.`);
  }
  const session = await db.agentSession.create({
    data: {
      publicId: `as_${randomBytes(24).toString("base64url")}`,
      agentId: agent.id,
      agentVersionId: version.id,
      organizationId: agent.organizationId,
      websiteDomain: host,
      ipAddress: caller.ip,
      channel: forTestPanel ? "api" : input.channel,
      contextData: input.contextData as object,
    },
  });
  return { sessionId: session.publicId, agentName: agent.name, versionNumber: version.version };
}

/**
 * Stores a visitor's message after every check, and returns the session with its pinned
 * version for the reply. Refusals are plain: wrong domain, ended or idle session, too fast.
 */
export async function acceptVisitorMessage(
  db: Database,
  input: { sessionId: string; content: string },
  caller: { origin: string | null; memberOrganizationIds: string[] },
  idleMs: number,
) {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM agent_sessions WHERE public_id = ${input.sessionId} FOR UPDATE`;
    if (!locked) throw chatNotFound();
    const session = await tx.agentSession.findUniqueOrThrow({
      where: { id: locked.id },
      include: { agentVersion: true },
    });
    if (session.websiteDomain === TEST_PANEL_DOMAIN) {
      if (!caller.memberOrganizationIds.includes(session.organizationId)) throw chatNotFound();
    } else if (hostOf(caller.origin) !== session.websiteDomain) {
      throw chatNotFound(); // a session id used from another website is refused without detail
    }
    if (session.status !== "active") throw chatNotFound();
    if (Date.now() - session.lastActivityAt.getTime() > idleMs) {
      await tx.agentSession.update({ where: { id: session.id }, data: { status: "expired", endedAt: new Date() } });
      return { expired: true as const };
    }
    const recent = await tx.agentMessage.count({
      where: { sessionId: session.id, role: "user", createdAt: { gt: new Date(Date.now() - 60_000) } },
    });
    if (recent >= session.agentVersion.rateLimitPerSession) {
      throw appError("RATE_LIMITED", "You're sending messages too quickly. Please wait a moment and try again.");
    }
    await tx.agentMessage.create({ data: { sessionId: session.id, role: "user", content: input.content } });
    await tx.agentSession.update({
      where: { id: session.id },
      data: { messageCount: { increment: 1 }, lastActivityAt: new Date() },
    });
    return { expired: false as const, session: { id: session.id, version: session.agentVersion } };
  });
}

/** Ends sessions idle longer than `idleMs` (run periodically; safe on several instances). */
export async function expireIdleSessions(db: Database, idleMs: number): Promise<number> {
  const { count } = await db.agentSession.updateMany({
    where: { status: "active", lastActivityAt: { lt: new Date(Date.now() - idleMs) } },
    data: { status: "expired", endedAt: new Date() },
  });
  return count;
}
