// /organizations/$organizationId/settings: an organization's name, plan, members and API keys.
// A malformed id is an organization that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const settingsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/organizations/$organizationId/settings",
  params: { parse: ({ organizationId }) => ({ organizationId: uuidParam(organizationId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Organization settings"
      message="We couldn't find that organization."
      back={{ to: "/agents", label: "Go to Agents" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "SettingsRoutePage"),
});
