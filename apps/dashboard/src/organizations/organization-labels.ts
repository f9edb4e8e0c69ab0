// How the organization pages' values read, in one place: the members page at
// /organizations/<id>/members, the settings page at /organizations/<id>/settings and the
// invitation link at /invitations/<token>.
import type { RouterOutputs } from "@switchboard/api";

export type Member = RouterOutputs["organizations"]["members"]["members"][number];
export type MemberRole = Member["role"];
export type PendingInvitation = RouterOutputs["organizations"]["invitations"][number];
export type InvitationView = RouterOutputs["organizations"]["invitation"];
export type OrganizationSettings = RouterOutputs["organizations"]["settings"];
export type ApiKeyListItem = RouterOutputs["organizations"]["apiKeys"]["list"][number];

const invitationsPath = "/invitations";

/** The full link to send: the invitee opens it in their own browser (the route /invitations/$token). */
export function invitationLink(token: string): string {
  return `${window.location.origin}${invitationsPath}/${encodeURIComponent(token)}`;
}

/** A signed-out visit that will come back to an invitation: sign-in says why, and that sign-up comes back too. */
export function isInvitationReturn(returnPath: string | undefined): boolean {
  return returnPath?.startsWith(`${invitationsPath}/`) ?? false;
}

export const invitationSignInNotice =
  "Sign in to accept your invitation. New to Switchboard? Create an account with the email the invitation was sent to, and you'll come back here.";

/** Strongest first, as the role menus list them. */
export const memberRoles: readonly MemberRole[] = ["owner", "admin", "member"];

export const roleLabels: Record<MemberRole, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** The role inside a sentence: "is now an admin". */
export const roleInSentence: Record<MemberRole, string> = { owner: "an owner", admin: "an admin", member: "a member" };

/** Owners and admins invite and remove people; members see the list. */
export function canManageMembers(role: MemberRole): boolean {
  return role === "owner" || role === "admin";
}

/** Owners and admins rename the organization and create and revoke its API keys (organizations.rename, apiKeys.*). */
export function canManageSettings(role: MemberRole): boolean {
  return canManageMembers(role);
}

/** Only owners change roles (the API's rule: organizations.changeRole). */
export function canChangeRoles(role: MemberRole): boolean {
  return role === "owner";
}
