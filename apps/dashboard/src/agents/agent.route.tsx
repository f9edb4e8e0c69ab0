// /agents/$agentId?conversation=<id>: one agent's settings, versions, conversations (the one
// named in the address open) and numbers. A malformed id is an agent that isn't there; a
// malformed conversation id opens none.
import { createRoute, lazyRouteComponent, type SearchSchemaInput } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { optionalUuid, uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const agentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/agents/$agentId",
  params: { parse: ({ agentId }) => ({ agentId: uuidParam(agentId) }) },
  validateSearch: (search: { conversation?: string } & SearchSchemaInput): { conversation: string | undefined } => ({
    conversation: optionalUuid(search.conversation),
  }),
  notFoundComponent: () => (
    <ItemNotFound
      title="Agent"
      message="We couldn't find that agent."
      back={{ to: "/agents", label: "← All agents" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "AgentRoutePage"),
});
