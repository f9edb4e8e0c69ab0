// Agents: versioned configuration per organization (members read, admins edit and publish),
// public sessions from allowed websites, and streaming chat over a tRPC subscription.
import type { Database, Prisma } from "@switchboard/db";
import { lastEventIdSchema } from "@switchboard/events";
import { requireOpenAI } from "../ai/require-openai.ts";
import { chatMessageContent } from "../ai/stream-chat.ts";
import { appError } from "../errors.ts";
import { opaqueToken, settingsRecord } from "../input-types.ts";
import { liveEvents } from "../live-events.ts";
import { requireRole } from "../member-roles.ts";
import { orgProcedure, publicProcedure, router, throttledByClient } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { agentRowInclude, agentRowOf, agentSessionOf, agentSessionSelect, publishAgentChange } from "./agent-events.ts";
import { streamReply } from "./chat.ts";
import { agentConfigInput, versionData } from "./config.ts";
import {
  checkEndpointForSave,
  providerKeyData,
  sessionUsesTenantEndpoint,
  usesTenantEndpoint,
  withoutProviderKey,
} from "./llm-endpoint.ts";
import { acceptVisitorMessage, startAgentSession } from "./sessions.ts";
import { agentStats } from "./stats.ts";

/** Used only when the AI runtime leaves it unset (the server always sets AGENT_SESSION_IDLE_MINUTES). */
const DEFAULT_IDLE_MS = 30 * 60_000;

const agentNotFound = () => appError("NOT_FOUND", "We couldn't find that agent.");

/** An agent of the caller's organization, or NOT_FOUND (other organizations' ids reveal nothing). */
async function orgAgent(db: Database | Prisma.TransactionClient, organizationId: string, agentId: string) {
  const agent = await db.agent.findFirst({ where: { id: agentId, organizationId } });
  if (!agent) throw agentNotFound();
  return agent;
}

const agentIdInput = z.object({ agentId: z.uuid({ error: "This agent id is not valid." }) });

export const agentsRouter = router({
  /** The organization's agents with their conversation counts; lastEventId to follow `onActivity` from. */
  list: orgProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    const agents = await ctx.db.agent.findMany({
      where: { organizationId: ctx.membership.organizationId },
      orderBy: { createdAt: "asc" },
      include: agentRowInclude,
    });
    return { agents: agents.map(agentRowOf), lastEventId };
  }),

  /**
   * The organization's agent activity: agents created or changed, conversations started,
   * replies stored, conversations ended. Members only (orgProcedure checks the membership before
   * any event is sent; another organization's id is NOT_FOUND).
   */
  onActivity: orgProcedure
    .input(z.object({ lastEventId: lastEventIdSchema }))
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "agents.activity", ctx.membership.organizationId, { lastEventId: input.lastEventId, signal }),
    ),

  /** The agent, its editable (latest) configuration and its version history. */
  get: orgProcedure.input(agentIdInput).query(async ({ ctx, input }) => {
    await orgAgent(ctx.db, ctx.membership.organizationId, input.agentId);
    const agent = await ctx.db.agent.findUniqueOrThrow({
      where: { id: input.agentId },
      include: { versions: { orderBy: { version: "desc" } } },
    });
    return {
      agentId: agent.id,
      name: agent.name,
      description: agent.description,
      publishedVersionId: agent.publishedVersionId,
      latest: withoutProviderKey(agent.versions[0]!),
      versions: agent.versions.map(({ id, version, status, model, createdAt, publishedAt, ...endpoint }) => ({
        id,
        version,
        status,
        model,
        createdAt,
        publishedAt,
        /** Answers through the organization's own AI endpoint, so it works with the server's AI off. */
        usesOwnEndpoint: usesTenantEndpoint(endpoint),
      })),
    };
  }),

  create: orgProcedure.input(z.object({ config: agentConfigInput })).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "admin");
    checkEndpointForSave(ctx.ai, input.config);
    return ctx.db.$transaction(async (tx) => {
      const agent = await tx.agent.create({
        data: {
          organizationId: ctx.membership.organizationId,
          name: input.config.name,
          description: input.config.description,
        },
      });
      const version = await tx.agentVersion.create({
        data: {
          agentId: agent.id,
          version: 1,
          createdById: ctx.user.id,
          ...versionData(input.config),
          ...providerKeyData(ctx.ai, agent.id, input.config, null),
        },
      });
      await publishAgentChange(tx, ctx.events, agent.id);
      return { agentId: agent.id, versionId: version.id, version: 1 };
    });
  }),

  /** Edits the draft; editing a published (frozen) version starts a new draft version instead. */
  update: orgProcedure.input(agentIdInput.extend({ config: agentConfigInput })).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "admin");
    checkEndpointForSave(ctx.ai, input.config);
    return ctx.db.$transaction(async (tx) => {
      await orgAgent(tx, ctx.membership.organizationId, input.agentId);
      await tx.$queryRaw`SELECT id FROM agents WHERE id = ${input.agentId}::uuid FOR UPDATE`;
      await tx.agent.update({
        where: { id: input.agentId },
        data: { name: input.config.name, description: input.config.description },
      });
      const latest = await tx.agentVersion.findFirstOrThrow({
        where: { agentId: input.agentId },
        orderBy: { version: "desc" },
      });
      const data = {
        ...versionData(input.config),
        ...providerKeyData(ctx.ai, input.agentId, input.config, latest),
      };
      const unchanged = (Object.keys(data) as (keyof typeof data)[]).every(
        (key) => JSON.stringify(latest[key]) === JSON.stringify(data[key]),
      );
      if (unchanged) return { versionId: latest.id, version: latest.version, newVersion: false };
      if (latest.status === "draft") {
        await tx.agentVersion.update({ where: { id: latest.id }, data });
        await publishAgentChange(tx, ctx.events, input.agentId);
        return { versionId: latest.id, version: latest.version, newVersion: false };
      }
      const created = await tx.agentVersion.create({
        data: {
          agentId: input.agentId,
          version: latest.version + 1,
          createdById: ctx.user.id,
          ...data,
        },
      });
      await publishAgentChange(tx, ctx.events, input.agentId);
      return { versionId: created.id, version: created.version, newVersion: true };
    });
  }),

  /** Freezes the latest draft and makes it the version new sessions get. */
  publish: orgProcedure.input(agentIdInput).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "admin");
    return ctx.db.$transaction(async (tx) => {
      await orgAgent(tx, ctx.membership.organizationId, input.agentId);
      await tx.$queryRaw`SELECT id FROM agents WHERE id = ${input.agentId}::uuid FOR UPDATE`;
      const draft = await tx.agentVersion.findFirst({
        where: { agentId: input.agentId, status: "draft" },
        orderBy: { version: "desc" },
      });
      if (!draft) throw appError("VALIDATION_FAILED", "There are no unpublished changes to publish.");
      await tx.agentVersion.updateMany({
        where: { agentId: input.agentId, status: "published" },
        data: { status: "archived" },
      });
      await tx.agentVersion.update({
        where: { id: draft.id },
        data: { status: "published", publishedAt: new Date() },
      });
      await tx.agent.update({ where: { id: input.agentId }, data: { publishedVersionId: draft.id } });
      await publishAgentChange(tx, ctx.events, input.agentId);
      return { versionId: draft.id, version: draft.version };
    });
  }),

  /** Sessions of an agent, newest first; lastEventId to follow `onActivity` from. */
  sessions: orgProcedure.input(agentIdInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    await orgAgent(ctx.db, ctx.membership.organizationId, input.agentId);
    const sessions = await ctx.db.agentSession.findMany({
      where: { agentId: input.agentId },
      orderBy: { startedAt: "desc" },
      take: 50,
      select: agentSessionSelect,
    });
    return { sessions: sessions.map(agentSessionOf), lastEventId };
  }),

  transcript: orgProcedure.input(z.object({ sessionId: z.uuid() })).query(async ({ ctx, input }) => {
    const session = await ctx.db.agentSession.findFirst({
      where: { id: input.sessionId, organizationId: ctx.membership.organizationId },
      include: { messages: { orderBy: { createdAt: "asc" } } },
    });
    if (!session) throw appError("NOT_FOUND", "We couldn't find that conversation.");
    return session.messages.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      status: m.status,
      tokensUsed: m.tokensUsed,
      latencyMs: m.latencyMs,
      modelUsed: m.modelUsed,
      errorCode: m.errorCode,
      createdAt: m.createdAt,
    }));
  }),

  /**
   * Per day: conversations, messages, tokens, reply latency p50/p95 and errors; lastEventId to
   * follow `onActivity` from (a conversation's event means these numbers changed).
   */
  stats: orgProcedure
    .input(agentIdInput.extend({ days: z.number().int().min(1).max(90).default(14) }))
    .query(async ({ ctx, input }) => {
      const lastEventId = ctx.events.headEventId();
      await orgAgent(ctx.db, ctx.membership.organizationId, input.agentId);
      return { days: await agentStats(ctx.db, input.agentId, input.days), lastEventId };
    }),

  /**
   * Public: a website starts a chat with a published agent. Its Origin must be on the agent's
   * allowed list. Organization members may start one from the dashboard's test panel.
   */
  startSession: publicProcedure
    .use(throttledByClient("agentSessionsClient"))
    .input(
      z.strictObject({
        agentId: z.uuid({ error: "This assistant link is not valid." }),
        channel: z.enum(["web", "voice", "api"]).default("web"),
        contextData: settingsRecord({ maxKeys: 50, keyMax: 50, valueMax: 500 }).default({}),
        testPanel: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const memberships =
        input.testPanel && ctx.user
          ? await ctx.db.membership.findMany({ where: { userId: ctx.user.id }, select: { organizationId: true } })
          : [];
      return startAgentSession(ctx.db, ctx.events, input, {
        origin: ctx.client.origin,
        ip: ctx.client.ip,
        testPanelOrganizationIds: memberships.map((m) => m.organizationId),
      });
    }),

  /** Public: stores the visitor's message and streams the reply (chunks, then the stored reply). */
  sendMessage: publicProcedure
    .use(throttledByClient("agentMessagesClient"))
    .input(
      z.strictObject({
        sessionId: opaqueToken({ min: 10, max: 100 }),
        content: chatMessageContent,
      }),
    )
    // Not a generator: the message is accepted (or refused) before tRPC sends `started`, so a
    // refusal reaches the client as an error with no `started` before it; then the reply streams.
    .subscription(async ({ ctx, input, signal }) => {
      // With no server AI, only agents on their own endpoint can answer; say so before storing anything.
      if (!ctx.ai?.openai && !(ctx.ai && (await sessionUsesTenantEndpoint(ctx.db, input.sessionId)))) {
        requireOpenAI(ctx);
      }
      const memberships = ctx.user
        ? await ctx.db.membership.findMany({ where: { userId: ctx.user.id }, select: { organizationId: true } })
        : [];
      const accepted = await acceptVisitorMessage(
        ctx.db,
        ctx.events,
        input,
        { origin: ctx.client.origin, memberOrganizationIds: memberships.map((m) => m.organizationId) },
        ctx.ai?.sessionIdleMs ?? DEFAULT_IDLE_MS,
      );
      if ("expired" in accepted) {
        throw appError("NOT_FOUND", "This chat ended because it was idle for too long. Start a new one.");
      }
      return streamReply({ db: ctx.db, events: ctx.events, ai: ctx.ai!, log: ctx.log }, accepted, signal);
    }),
});
