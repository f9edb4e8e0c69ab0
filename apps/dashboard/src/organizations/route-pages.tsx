// The organization pages as the router renders them: loaded on the first visit (one chunk for
// all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { useMe } from "../shell/me.tsx";
import { InvitationPage } from "./invitation-page.tsx";
import { MembersPage } from "./members-page.tsx";
import { OrganizationSettingsPage } from "./settings-page.tsx";

const membersRoute = getRouteApi("/signed-in/organizations/$organizationId/members");
const settingsRoute = getRouteApi("/signed-in/organizations/$organizationId/settings");
const invitationRoute = getRouteApi("/signed-in/invitations/$token");

export function MembersRoutePage() {
  const { organizationId } = membersRoute.useParams();
  return <MembersPage key={organizationId} organizationId={organizationId} myUserId={useMe().user.id} />;
}

export function SettingsRoutePage() {
  const { organizationId } = settingsRoute.useParams();
  return <OrganizationSettingsPage key={organizationId} organizationId={organizationId} />;
}

export function InvitationRoutePage() {
  const { token } = invitationRoute.useParams();
  return <InvitationPage key={token} token={token} myEmail={useMe().user.email} />;
}
