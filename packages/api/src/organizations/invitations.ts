// Invitations by link. The link carries a random token; only its SHA-256 is stored, so the
// link can be shown once, when it is created, and never read back. What a link's holder may
// learn before accepting (which organization, which role, for which email) is read here, and
// accepting uses the same reading so the page and the acceptance never disagree.
import type { Database, OrganizationInvitation, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";
import { hashSecretToken } from "../secret-tokens.ts";

export const INVITATION_DAYS = 7;

type Reader = Database | Transaction;

/** Where an invitation stands for the person holding its link. */
export type InvitationState = "open" | "accepted" | "expired";

export function invitationState(invitation: Pick<OrganizationInvitation, "acceptedAt" | "expiresAt">): InvitationState {
  if (invitation.acceptedAt) return "accepted";
  return invitation.expiresAt.getTime() <= Date.now() ? "expired" : "open";
}

const unknownLink = () =>
  appError(
    "NOT_FOUND",
    "This invitation link isn't valid. It may have been withdrawn, or only part of the link was copied. Ask for a new one.",
  );

/** The invitation a link's token names, with its organization and inviter; an unknown token is NOT_FOUND. */
export async function findInvitationByToken(db: Reader, token: string) {
  const invitation = await db.organizationInvitation.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    include: { organization: { select: { name: true } }, invitedBy: { select: { name: true } } },
  });
  if (!invitation) throw unknownLink();
  return invitation;
}

export const invitationUsed = () =>
  appError("NOT_FOUND", "This invitation has already been used. Ask for a new one if you still need to join.");

/** Why this person cannot accept the invitation now, in words; null when they can. */
export function acceptanceProblem(
  invitation: Pick<OrganizationInvitation, "acceptedAt" | "expiresAt" | "email">,
  person: { email: string },
): Error | null {
  const state = invitationState(invitation);
  if (state === "accepted") return invitationUsed();
  if (state === "expired") {
    return appError("NOT_FOUND", "This invitation has expired. Ask for a new one.");
  }
  if (invitation.email !== person.email.toLowerCase()) {
    return appError(
      "FORBIDDEN_RESOURCE",
      `This invitation is for ${invitation.email}. Sign in with that email to accept it.`,
    );
  }
  return null;
}
