// /agents: the organization's agents.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const agentsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/agents",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "AgentsRoutePage"),
});
