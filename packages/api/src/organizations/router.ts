// Organizations: members with roles, invitations by link, and the rule that an organization
// always keeps at least one owner (checked under a lock on its memberships, so two concurrent
// demotions cannot both pass).
import type { Transaction } from "@switchboard/db";
import { lastEventIdSchema } from "@switchboard/events";
import { publishAccessChange } from "../auth/revocation.ts";
import { appError } from "../errors.ts";
import { opaqueToken } from "../input-types.ts";
import { liveEvents } from "../live-events.ts";
import { requireRole } from "../member-roles.ts";
import { hashSecretToken, newSecretToken } from "../secret-tokens.ts";
import { authedProcedure, orgProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { organizationChanged } from "./changes.ts";
import {
  acceptanceProblem,
  findInvitationByToken,
  INVITATION_DAYS,
  invitationState,
  invitationUsed,
} from "./invitations.ts";
import { organizationSettingsProcedures } from "./settings-router.ts";

const invitationToken = opaqueToken({ min: 10, max: 200 });
const role = z.enum(["owner", "admin", "member"]);

async function lockOwners(tx: Transaction, organizationId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ user_id: string; role: string }[]>`
    SELECT user_id::text, role::text FROM memberships WHERE organization_id = ${organizationId}::uuid FOR UPDATE`;
  return rows.filter((row) => row.role === "owner").map((row) => row.user_id);
}

const lastOwner = () =>
  appError("FORBIDDEN_ROLE", "An organization needs at least one owner. Make someone else an owner first.");

export const organizationsRouter = router({
  ...organizationSettingsProcedures,

  /** The organizations the signed-in person belongs to, with their role. */
  mine: authedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.db.membership.findMany({
      where: { userId: ctx.user.id },
      include: { organization: { select: { id: true, name: true, slug: true, plan: true } } },
      orderBy: { createdAt: "asc" },
    });
    return memberships.map((m) => ({ ...m.organization, role: m.role }));
  }),

  /** The members, and lastEventId to follow `onRoster` from (read before the rows: nothing falls between). */
  members: orgProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    const members = await ctx.db.membership.findMany({
      where: { organizationId: ctx.membership.organizationId },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    });
    return {
      members: members.map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, role: m.role })),
      lastEventId,
    };
  }),

  /** Live: which of the organization's lists (members, invitations) changed. Members only. */
  onRoster: orgProcedure.input(z.object({ lastEventId: lastEventIdSchema })).subscription(({ ctx, input, signal }) =>
    liveEvents(ctx, "organizations.roster", ctx.membership.organizationId, {
      lastEventId: input.lastEventId,
      signal,
    }),
  ),

  /**
   * Creates an invitation link (valid 7 days); the invitee accepts it signed in with that email.
   * A new invitation for the same email replaces the earlier, unused one, so only the newest link works.
   */
  invite: orgProcedure
    .input(z.object({ email: z.email().max(254), role: role.default("member") }))
    .mutation(async ({ ctx, input }) => {
      requireRole(ctx.membership, "admin");
      if (input.role === "owner") requireRole(ctx.membership, "owner");
      const organizationId = ctx.membership.organizationId;
      const email = input.email.toLowerCase();
      const token = newSecretToken(24);
      return ctx.db.$transaction(async (tx) => {
        const existing = await tx.membership.findFirst({
          where: { organizationId, user: { email: { equals: email, mode: "insensitive" } } },
        });
        if (existing) throw appError("EMAIL_TAKEN", `${email} is already a member of this organization.`);
        await tx.organizationInvitation.deleteMany({ where: { organizationId, email, acceptedAt: null } });
        const invitation = await tx.organizationInvitation.create({
          data: {
            organizationId,
            email,
            role: input.role,
            tokenHash: hashSecretToken(token),
            invitedById: ctx.user.id,
            expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
          },
        });
        await organizationChanged(ctx.events, tx, organizationId, "invitations");
        return { invitationId: invitation.id, token, expiresAt: invitation.expiresAt };
      });
    }),

  /** The organization's invitations not yet accepted (expired ones too, so they can be renewed), newest first. */
  invitations: orgProcedure.query(async ({ ctx }) => {
    requireRole(ctx.membership, "admin");
    const invitations = await ctx.db.organizationInvitation.findMany({
      where: { organizationId: ctx.membership.organizationId, acceptedAt: null },
      include: { invitedBy: { select: { name: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return invitations.map((invitation) => ({
      invitationId: invitation.id,
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.invitedBy?.name ?? null,
      createdAt: invitation.createdAt,
      expiresAt: invitation.expiresAt,
      expired: invitationState(invitation) === "expired",
    }));
  }),

  /** Withdraws an invitation that has not been accepted: its link stops working. */
  revokeInvitation: orgProcedure.input(z.object({ invitationId: z.uuid() })).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "admin");
    const organizationId = ctx.membership.organizationId;
    return ctx.db.$transaction(async (tx) => {
      const { count } = await tx.organizationInvitation.deleteMany({
        where: { id: input.invitationId, organizationId, acceptedAt: null },
      });
      if (count === 0) throw appError("NOT_FOUND", "That invitation was already accepted or withdrawn.");
      await organizationChanged(ctx.events, tx, organizationId, "invitations");
      return { revoked: input.invitationId };
    });
  }),

  /**
   * What an invitation link offers the signed-in person holding it, before they accept: the
   * token is the secret, so its holder may see the organization's name and the invited email.
   */
  invitation: authedProcedure.input(z.strictObject({ token: invitationToken })).query(async ({ ctx, input }) => {
    const invitation = await findInvitationByToken(ctx.db, input.token);
    const membership = await ctx.db.membership.findUnique({
      where: { organizationId_userId: { organizationId: invitation.organizationId, userId: ctx.user.id } },
    });
    return {
      organizationId: invitation.organizationId,
      organizationName: invitation.organization.name,
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.invitedBy?.name ?? null,
      expiresAt: invitation.expiresAt,
      state: invitationState(invitation),
      forSignedInPerson: invitation.email === ctx.user.email.toLowerCase(),
      alreadyMember: membership !== null,
    };
  }),

  acceptInvitation: authedProcedure
    .input(z.strictObject({ token: invitationToken }))
    .mutation(async ({ ctx, input }) => {
      return ctx.db.$transaction(async (tx) => {
        const invitation = await findInvitationByToken(tx, input.token);
        const problem = acceptanceProblem(invitation, ctx.user);
        if (problem) throw problem;
        // Conditional, so of two simultaneous acceptances exactly one uses the invitation.
        const { count } = await tx.organizationInvitation.updateMany({
          where: { id: invitation.id, acceptedAt: null },
          data: { acceptedAt: new Date() },
        });
        if (count === 0) throw invitationUsed();
        await tx.membership.upsert({
          where: { organizationId_userId: { organizationId: invitation.organizationId, userId: ctx.user.id } },
          create: { organizationId: invitation.organizationId, userId: ctx.user.id, role: invitation.role },
          update: {},
        });
        await organizationChanged(ctx.events, tx, invitation.organizationId, "members");
        await organizationChanged(ctx.events, tx, invitation.organizationId, "invitations");
        return { organizationId: invitation.organizationId, organizationName: invitation.organization.name };
      });
    }),

  changeRole: orgProcedure.input(z.object({ userId: z.uuid(), role })).mutation(async ({ ctx, input }) => {
    requireRole(ctx.membership, "owner");
    const organizationId = ctx.membership.organizationId;
    return ctx.db.$transaction(async (tx) => {
      const owners = await lockOwners(tx, organizationId);
      if (owners.length === 1 && owners[0] === input.userId && input.role !== "owner") throw lastOwner();
      const { count } = await tx.membership.updateMany({
        where: { organizationId, userId: input.userId },
        data: { role: input.role },
      });
      if (count === 0) throw appError("NOT_FOUND", "That person is not a member of this organization.");
      await organizationChanged(ctx.events, tx, organizationId, "members");
      await publishAccessChange(ctx.events, tx, { userId: input.userId, sessionId: null, reason: "access_changed" });
      return { userId: input.userId, role: input.role };
    });
  }),

  removeMember: orgProcedure.input(z.object({ userId: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (input.userId !== ctx.user.id) requireRole(ctx.membership, "admin");
    const organizationId = ctx.membership.organizationId;
    return ctx.db.$transaction(async (tx) => {
      const owners = await lockOwners(tx, organizationId);
      const target = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId, userId: input.userId } },
      });
      if (!target) throw appError("NOT_FOUND", "That person is not a member of this organization.");
      if (target.role === "owner" && ctx.membership.role !== "owner" && input.userId !== ctx.user.id) {
        throw appError("FORBIDDEN_ROLE", "Only an owner can remove another owner.");
      }
      if (target.role === "owner" && owners.length === 1) throw lastOwner();
      await tx.membership.delete({ where: { id: target.id } });
      await organizationChanged(ctx.events, tx, organizationId, "members");
      // Their open sockets reconnect, so the roster they followed refuses them from now on.
      await publishAccessChange(ctx.events, tx, { userId: input.userId, sessionId: null, reason: "access_changed" });
      return { removed: input.userId };
    });
  }),
});
