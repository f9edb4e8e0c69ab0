// /invitations/$token: an invitation link, opened by the invitee (signed out, they sign in or
// sign up first and come back here). A token the API could never accept is a link that isn't valid.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { tokenParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const invitationRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/invitations/$token",
  // The bounds of organizations.invitation's token (packages/api/src/organizations/router.ts).
  params: { parse: ({ token }) => ({ token: tokenParam(token, { min: 10, max: 200 }) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Invitation"
      message="This invitation link isn't valid. Check that the whole link was copied, or ask for a new one."
      back={{ to: "/agents", label: "Go to Agents" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "InvitationRoutePage"),
});
