// Agent sessions: a website starts one for a published agent (its Origin must be on the agent's
// allowed list) and gets an opaque id bound to that agent, domain and the version published at
// that moment. Every message checks the binding again, the session's idle expiry and its rate
// limit, under a lock on the session row (so concurrent messages count correctly).
import { randomBytes } from "node:crypto";
import type { AgentVersion, Database } from "@switchboard/db";
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

/** Published versions never change, so each is read from the database once per process. */
const frozenVersions = new Map<string, AgentVersion>();

async function pinnedVersion(db: Database, versionId: string): Promise<AgentVersion> {
  const cached = frozenVersions.get(versionId);
  if (cached) return cached;
  const version = await db.agentVersion.findUniqueOrThrow({ where: { id: versionId } });
  if (version.status !== "draft") {
    if (frozenVersions.size > 1000) frozenVersions.clear();
    frozenVersions.set(versionId, version);
  }
  return version;
}

type Verdict = "ok" | "not_found" | "expired" | "rate_limited";

/**
 * Stores a visitor's message after every check, and returns the session with its pinned
 * version for the reply. Refusals are plain: wrong domain, ended or idle session, too fast.
 * Two statements in one transaction: the first locks the session row; the second, with a
 * snapshot taken after the lock, counts recent messages (so concurrent messages to one session
 * are counted against its rate limit one after the other) and stores the message.
 */
export async function acceptVisitorMessage(
  db: Database,
  input: { sessionId: string; content: string },
  caller: { origin: string | null; memberOrganizationIds: string[] },
  idleMs: number,
) {
  const host = hostOf(caller.origin) ?? "";
  const result = await db.$transaction(async (tx) => {
    const [session] = await tx.$queryRaw<
      { id: string; version_id: string; rate_limit: number; allowed: boolean; idle: boolean; active: boolean }[]
    >`
      SELECT s.id::text, s.agent_version_id::text AS version_id, v.rate_limit_per_session AS rate_limit,
             (s.website_domain = ${host}
               OR (s.website_domain = ${TEST_PANEL_DOMAIN} AND s.organization_id::text = ANY(${caller.memberOrganizationIds}::text[]))) AS allowed,
             s.last_activity_at < now() - ${idleMs} * interval '1 millisecond' AS idle,
             s.status = 'active' AS active
        FROM agent_sessions s JOIN agent_versions v ON v.id = s.agent_version_id
       WHERE s.public_id = ${input.sessionId}
         FOR UPDATE OF s`;
    // A session id used from another website is refused exactly like an unknown one.
    if (!session?.allowed || !session.active) return { verdict: "not_found" as Verdict };
    const [outcome] = await tx.$queryRaw<{ verdict: Verdict }[]>`
      WITH recent AS (
        SELECT count(*) AS n FROM agent_messages
         WHERE session_id = ${session.id}::uuid AND role = 'user' AND created_at > now() - interval '60 seconds'
      ), verdict AS (
        SELECT CASE WHEN ${session.idle} THEN 'expired'
                    WHEN (SELECT n FROM recent) >= ${session.rate_limit} THEN 'rate_limited'
                    ELSE 'ok' END AS verdict
      ), stored AS (
        INSERT INTO agent_messages (session_id, role, content)
        SELECT ${session.id}::uuid, 'user', ${input.content} FROM verdict WHERE verdict = 'ok'
        RETURNING id
      ), touched AS (
        UPDATE agent_sessions SET
          message_count = message_count + (CASE WHEN (SELECT verdict FROM verdict) = 'ok' THEN 1 ELSE 0 END),
          last_activity_at = CASE WHEN (SELECT verdict FROM verdict) = 'ok' THEN now() ELSE last_activity_at END,
          status = CASE WHEN (SELECT verdict FROM verdict) = 'expired' THEN 'expired'::"AgentSessionStatus" ELSE status END,
          ended_at = CASE WHEN (SELECT verdict FROM verdict) = 'expired' THEN now() ELSE ended_at END
         WHERE id = ${session.id}::uuid
        RETURNING id
      )
      SELECT verdict FROM verdict, (SELECT count(*) FROM touched) t, (SELECT count(*) FROM stored) m`;
    return { verdict: outcome!.verdict, sessionId: session.id, versionId: session.version_id };
  });
  if (result.verdict === "not_found") throw chatNotFound();
  if (result.verdict === "rate_limited") {
    throw appError("RATE_LIMITED", "You're sending messages too quickly. Please wait a moment and try again.");
  }
  if (result.verdict === "expired") return { expired: true as const };
  const version = await pinnedVersion(db, result.versionId!);
  return { expired: false as const, session: { id: result.sessionId!, version } };
}

/** Ends sessions idle longer than `idleMs` (run periodically; safe on several instances). */
export async function expireIdleSessions(db: Database, idleMs: number): Promise<number> {
  const { count } = await db.agentSession.updateMany({
    where: { status: "active", lastActivityAt: { lt: new Date(Date.now() - idleMs) } },
    data: { status: "expired", endedAt: new Date() },
  });
  return count;
}
