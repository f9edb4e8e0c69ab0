// What someone who belongs to no organization can do next, where an organization's product
// (Agents) would otherwise be a dead end: set up their own business, which makes them its
// owner, or join one by an invitation link from its owner or an admin.
import { Link } from "@tanstack/react-router";

export function NoOrganizationYet() {
  return (
    <section aria-labelledby="no-organization-heading" className="panel">
      <h2 id="no-organization-heading">You don't belong to an organization yet</h2>
      <p>Agents belong to an organization, so there are none to show you yet. Two ways in:</p>
      <ul>
        <li>
          <Link to="/onboarding">Set up your business</Link> — it creates your organization, with you as its owner, and
          its first agent.
        </li>
        <li>
          Join an existing one: ask its owner or an admin to invite you. They send you a link; open it while signed in
          with the email they invited.
        </li>
      </ul>
    </section>
  );
}
