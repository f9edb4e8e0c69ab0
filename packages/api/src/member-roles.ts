// Organization membership rules shared by every organization-scoped product.
import type { MemberRole } from "@switchboard/db";
import { appError } from "./errors.ts";

const rank: Record<MemberRole, number> = { member: 0, admin: 1, owner: 2 };

/** Refuses a member whose role is below `least` (roles: owner > admin > member). */
export function requireRole(membership: { role: MemberRole }, least: MemberRole): void {
  if (rank[membership.role] < rank[least]) {
    throw appError(
      "FORBIDDEN_ROLE",
      least === "owner" ? "Only an owner of this organization can do this." : "Only an organization admin can do this.",
    );
  }
}
