// /organizations/$organizationId/members: who belongs to an organization (managed from Agents).
// A malformed id is an organization that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const membersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/organizations/$organizationId/members",
  params: { parse: ({ organizationId }) => ({ organizationId: uuidParam(organizationId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Members"
      message="We couldn't find that organization."
      back={{ to: "/agents", label: "← Agents" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "MembersRoutePage"),
});
