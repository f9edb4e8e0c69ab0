// Agent sessions: a website starts one for a published agent (its Origin must be on the agent's
// allowed list) and gets an opaque id bound to that agent, domain and the version published at
// that moment. Every message checks the binding again, the session's idle expiry and its rate
// limit in the one UPDATE of the session row that accepts it (so concurrent messages count exactly).
import { randomBytes } from "node:crypto";
import type { AgentVersion, Database } from "@switchboard/db";
import { appError } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishSessionChange, TEST_PANEL_DOMAIN } from "./agent-events.ts";
import { domainAllowed } from "./config.ts";

const chatNotFound = () => appError("NOT_FOUND", "This chat doesn't exist or has ended. Start a new one.");

function hostOf(origin: string | null): string | null {
  if (!origin) return null;
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export async function startAgentSession(
  db: Database,
  events: AppEventBus,
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
  const session = await db.$transaction(async (tx) => {
    const created = await tx.agentSession.create({
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
    await publishSessionChange(tx, events, created.id, "started");
    return created;
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

export interface AcceptedMessage {
  session: { id: string; version: AgentVersion };
  /** The conversation so far (complete and cut-short turns), oldest first, ending with this message. */
  history: { role: "user" | "assistant"; content: string }[];
}

/**
 * Stores a visitor's message after every check, and returns the session with its pinned version
 * and the history for the reply. One statement, so the first token waits for one round trip: the
 * UPDATE of the session row checks the binding (domain or test panel), that the session is
 * active and not idle, and counts the message in the row's rate window. Concurrent messages to
 * one session queue on that row, and each re-checks the row as the one before left it, so the
 * limit holds exactly. Refusals are plain: wrong domain, ended or idle session, too fast.
 */
export async function acceptVisitorMessage(
  db: Database,
  events: AppEventBus,
  input: { sessionId: string; content: string },
  caller: { origin: string | null; memberOrganizationIds: string[] },
  idleMs: number,
): Promise<AcceptedMessage | { expired: true }> {
  const host = hostOf(caller.origin) ?? "";
  const [accepted] = await db.$queryRaw<
    { id: string; version_id: string; history: { role: "user" | "assistant"; content: string }[] }[]
  >`
    WITH accepted AS (
      UPDATE agent_sessions s SET
        message_count = s.message_count + 1,
        last_activity_at = now(),
        rate_window_started_at = CASE WHEN s.rate_window_started_at > now() - interval '60 seconds'
                                      THEN s.rate_window_started_at ELSE now() END,
        rate_window_count = CASE WHEN s.rate_window_started_at > now() - interval '60 seconds'
                                 THEN s.rate_window_count + 1 ELSE 1 END
        FROM agent_versions v
       WHERE s.public_id = ${input.sessionId} AND v.id = s.agent_version_id
         AND s.status = 'active'
         AND (s.website_domain = ${host}
              OR (s.website_domain = ${TEST_PANEL_DOMAIN} AND s.organization_id::text = ANY(${caller.memberOrganizationIds}::text[])))
         AND s.last_activity_at >= now() - ${idleMs} * interval '1 millisecond'
         AND (s.rate_window_started_at <= now() - interval '60 seconds' OR s.rate_window_count < v.rate_limit_per_session)
      RETURNING s.id, s.agent_version_id
    ), stored AS (
      -- A data-modifying WITH runs exactly once, referenced or not.
      INSERT INTO agent_messages (session_id, role, content)
      SELECT id, 'user', ${input.content} FROM accepted
    )
    SELECT a.id::text, a.agent_version_id::text AS version_id,
           (SELECT coalesce(json_agg(json_build_object('role', m.role, 'content', m.content) ORDER BY m.created_at), '[]'::json)
              FROM agent_messages m
             WHERE m.session_id = a.id AND m.status IN ('complete', 'incomplete') AND m.role IN ('user', 'assistant')) AS history
      FROM accepted a`;
  if (!accepted) return refusal(db, events, input.sessionId, host, caller.memberOrganizationIds, idleMs);
  const version = await pinnedVersion(db, accepted.version_id);
  // The statement's snapshot predates its own insert, so the new message is added here.
  const history = [...accepted.history, { role: "user" as const, content: input.content }];
  return { session: { id: accepted.id, version }, history };
}

/**
 * Why a message was not accepted (the rare path, so it may take another round trip). An idle
 * session is ended here; a session id used from another website reads exactly like an unknown one.
 */
async function refusal(
  db: Database,
  events: AppEventBus,
  publicId: string,
  host: string,
  memberOrganizationIds: string[],
  idleMs: number,
): Promise<{ expired: true }> {
  const [session] = await db.$queryRaw<{ id: string; allowed: boolean; active: boolean; idle: boolean }[]>`
    SELECT s.id::text,
           (s.website_domain = ${host}
             OR (s.website_domain = ${TEST_PANEL_DOMAIN} AND s.organization_id::text = ANY(${memberOrganizationIds}::text[]))) AS allowed,
           s.status = 'active' AS active,
           s.last_activity_at < now() - ${idleMs} * interval '1 millisecond' AS idle
      FROM agent_sessions s WHERE s.public_id = ${publicId}`;
  if (!session?.allowed || !session.active) throw chatNotFound();
  if (session.idle) {
    await db.$transaction(async (tx) => {
      const ended = await tx.$executeRaw`
        UPDATE agent_sessions SET status = 'expired', ended_at = now()
         WHERE id = ${session.id}::uuid AND status = 'active'`;
      if (ended > 0) await publishSessionChange(tx, events, session.id, "updated");
    });
    return { expired: true };
  }
  throw appError("RATE_LIMITED", "You're sending messages too quickly. Please wait a moment and try again.");
}

/**
 * Ends sessions idle longer than `idleMs` (run periodically; safe on several instances: the rows
 * are locked, and another instance's sweep skips them). Each ended session is published, so an
 * agent page shows it ended without a reload.
 */
export async function expireIdleSessions(db: Database, events: AppEventBus, idleMs: number): Promise<number> {
  return db.$transaction(async (tx) => {
    const idle = await tx.$queryRaw<{ id: string }[]>`
      UPDATE agent_sessions SET status = 'expired', ended_at = now()
       WHERE id IN (SELECT id FROM agent_sessions
                     WHERE status = 'active' AND last_activity_at < now() - ${idleMs} * interval '1 millisecond'
                     FOR UPDATE SKIP LOCKED)
      RETURNING id::text`;
    for (const { id } of idle) await publishSessionChange(tx, events, id, "updated");
    return idle.length;
  });
}
