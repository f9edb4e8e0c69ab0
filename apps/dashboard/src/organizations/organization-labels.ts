// How the organization pages' paths and values read, in one place: the members page at
// /organizations/<id>/members, the settings page at /organizations/<id>/settings and the
// invitation link at /invitations/<token>.
import type { RouterOutputs } from "@switchboard/api";
import { idFromPath, itemPath } from "../routing/item-paths.ts";

export type Member = RouterOutputs["organizations"]["members"]["members"][number];
export type MemberRole = Member["role"];
export type PendingInvitation = RouterOutputs["organizations"]["invitations"][number];
export type InvitationView = RouterOutputs["organizations"]["invitation"];
export type OrganizationSettings = RouterOutputs["organizations"]["settings"];
export type ApiKeyListItem = RouterOutputs["organizations"]["apiKeys"]["list"][number];

const organizationsPath = "/organizations";
const invitationsPath = "/invitations";
const membersPathPattern = /^\/organizations\/([^/]+)\/members$/;
const settingsPathPattern = /^\/organizations\/([^/]+)\/settings$/;

export function membersPath(organizationId: string): string {
  return `${itemPath(organizationsPath, organizationId)}/members`;
}

export function settingsPath(organizationId: string): string {
  return `${itemPath(organizationsPath, organizationId)}/settings`;
}

function organizationIdFrom(pattern: RegExp, pathname: string): string | null {
  const id = pattern.exec(pathname)?.[1];
  if (!id) return null;
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** The organization id in a members page's path, or null for any other path. */
export function organizationIdFromMembersPath(pathname: string): string | null {
  return organizationIdFrom(membersPathPattern, pathname);
}

/** The organization id in a settings page's path, or null for any other path. */
export function organizationIdFromSettingsPath(pathname: string): string | null {
  return organizationIdFrom(settingsPathPattern, pathname);
}

function invitationPath(token: string): string {
  return itemPath(invitationsPath, token);
}

/** The token in an invitation link's path, or null for any other path. */
export function invitationTokenFromPath(pathname: string): string | null {
  return idFromPath(invitationsPath, pathname);
}

/** The full link to send: the invitee opens it in their own browser. */
export function invitationLink(token: string): string {
  return `${window.location.origin}${invitationPath(token)}`;
}

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
