// /agents/$agentId: one agent's settings, versions, conversations and numbers. A malformed id is
// an agent that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const agentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/agents/$agentId",
  params: { parse: ({ agentId }) => ({ agentId: uuidParam(agentId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Agent"
      message="We couldn't find that agent."
      back={{ to: "/agents", label: "← All agents" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "AgentRoutePage"),
});
