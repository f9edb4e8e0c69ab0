// The signed-in person's organizations, in the navigation: each one's settings and members.
// Read from `auth.me`, which the pages that change a membership (joining, leaving, a rename)
// read again.
import type { RouterOutputs } from "@switchboard/api";
import { Link } from "@tanstack/react-router";
import "./organization-links.css";

type Membership = RouterOutputs["auth"]["me"]["memberships"][number];

export function OrganizationLinks({ memberships }: { memberships: readonly Membership[] }) {
  if (memberships.length === 0) return null;
  return (
    <section aria-labelledby="organization-links-heading" className="organization-links">
      <h2 id="organization-links-heading">Your organizations</h2>
      <ul>
        {memberships.map((membership) => (
          <li key={membership.organizationId}>
            <span className="organization-links-name">{membership.organizationName}</span>
            <Link to="/organizations/$organizationId/settings" params={{ organizationId: membership.organizationId }}>
              Settings<span className="visually-hidden"> for {membership.organizationName}</span>
            </Link>
            <Link to="/organizations/$organizationId/members" params={{ organizationId: membership.organizationId }}>
              People<span className="visually-hidden"> in {membership.organizationName}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
