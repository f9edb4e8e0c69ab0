// /agents/new: a new agent's editor (a static segment, so it wins over /agents/$agentId).
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const newAgentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/agents/new",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "NewAgentRoutePage"),
});
