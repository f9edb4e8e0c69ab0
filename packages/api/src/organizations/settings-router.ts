// An organization's settings: what it is (name, plan, how many members, since when), its name
// changed by an owner or admin, and its API keys. Every member may read them (a key's
// fingerprint is no secret); owners and admins rename, create and revoke. A new key's secret
// is in the answer that creates it and nowhere else: only its hash and fingerprint are stored
// (api-keys.ts). Each change tells the organization's open pages through its live topic, in the
// change's own transaction.
import type { Transaction } from "@switchboard/db";
import { newApiKey } from "../api-keys.ts";
import { appError } from "../errors.ts";
import { text } from "../input-types.ts";
import { requireRole } from "../member-roles.ts";
import { orgProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { organizationChanged } from "./changes.ts";

/** Active (unrevoked) keys an organization may hold at once: enough for every real integration. */
export const MAX_ACTIVE_API_KEYS = 25;
/** The newest keys a list shows; revoked ones stay listed (to recognise them) until they fall off. */
const LISTED_API_KEYS = 100;

const organizationName = text({ min: 1, max: 100, tooShort: "Enter the organization's name." });
const keyName = text({ min: 1, max: 100, tooShort: "Name the key after what will use it." });

/**
 * Holds the organization's row until the transaction ends, so two creations counting its active
 * keys at once take turns (neither can pass the limit on the other's stale count).
 */
async function lockOrganization(tx: Transaction, organizationId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
}

const keyAlreadyRevoked = (name: string) =>
  appError("API_KEY_ALREADY_REVOKED", `The key "${name}" was already revoked; nothing changed.`);

export const organizationSettingsProcedures = {
  /** The organization as its settings page shows it, and lastEventId to follow `onRoster` from. */
  settings: orgProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    const organization = await ctx.db.organization.findUniqueOrThrow({
      where: { id: ctx.membership.organizationId },
      select: { id: true, name: true, plan: true, createdAt: true, _count: { select: { memberships: true } } },
    });
    return {
      organizationId: organization.id,
      name: organization.name,
      plan: organization.plan,
      createdAt: organization.createdAt,
      memberCount: organization._count.memberships,
      myRole: ctx.membership.role,
      lastEventId,
    };
  }),

  rename: orgProcedure.input(z.object({ name: organizationName })).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "admin");
    const organizationId = ctx.membership.organizationId;
    return ctx.db.$transaction(async (tx) => {
      const organization = await tx.organization.update({
        where: { id: organizationId },
        data: { name: input.name },
        select: { id: true, name: true },
      });
      await organizationChanged(ctx.events, tx, organizationId, "organization");
      return { organizationId: organization.id, name: organization.name };
    });
  }),

  apiKeys: router({
    /** The organization's keys, newest first: never the secret or its hash. */
    list: orgProcedure.query(async ({ ctx }) => {
      const keys = await ctx.db.apiKey.findMany({
        where: { organizationId: ctx.membership.organizationId },
        select: { id: true, name: true, fingerprint: true, createdAt: true, lastUsedAt: true, revokedAt: true },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: LISTED_API_KEYS,
      });
      return keys.map(({ id, ...key }) => ({ apiKeyId: id, ...key }));
    }),

    /** A new key; its secret is in this answer only (it cannot be read back, only revoked). */
    create: orgProcedure.input(z.object({ name: keyName })).mutation(async ({ ctx, input }) => {
      requireRole(ctx.membership, "admin");
      const organizationId = ctx.membership.organizationId;
      const key = newApiKey();
      return ctx.db.$transaction(async (tx) => {
        await lockOrganization(tx, organizationId);
        const active = await tx.apiKey.count({ where: { organizationId, revokedAt: null } });
        if (active >= MAX_ACTIVE_API_KEYS) {
          throw appError(
            "API_KEY_LIMIT_REACHED",
            `An organization can have at most ${MAX_ACTIVE_API_KEYS} active API keys. Revoke one you no longer use first.`,
          );
        }
        const created = await tx.apiKey.create({
          data: { organizationId, name: input.name, keyHash: key.keyHash, fingerprint: key.fingerprint },
          select: { id: true, name: true, fingerprint: true, createdAt: true },
        });
        await organizationChanged(ctx.events, tx, organizationId, "apiKeys");
        return {
          apiKeyId: created.id,
          name: created.name,
          fingerprint: created.fingerprint,
          createdAt: created.createdAt,
          secret: key.secret,
        };
      });
    }),

    /** Revokes a key: calls with it are refused from now on. A revoked key stays revoked. */
    revoke: orgProcedure.input(z.object({ apiKeyId: z.uuid() })).mutation(async ({ ctx, input }) => {
      requireRole(ctx.membership, "admin");
      const organizationId = ctx.membership.organizationId;
      return ctx.db.$transaction(async (tx) => {
        const key = await tx.apiKey.findFirst({
          where: { id: input.apiKeyId, organizationId },
          select: { id: true, name: true },
        });
        if (!key) throw appError("NOT_FOUND", "We couldn't find that API key in this organization.");
        // Conditional, so of two revocations at once exactly one writes (and publishes).
        const revokedAt = new Date();
        const { count } = await tx.apiKey.updateMany({
          where: { id: key.id, revokedAt: null },
          data: { revokedAt },
        });
        if (count === 0) throw keyAlreadyRevoked(key.name);
        await organizationChanged(ctx.events, tx, organizationId, "apiKeys");
        return { apiKeyId: key.id, revokedAt };
      });
    }),
  }),
};
