// /agents?organization=<id>: an organization's agents (without it, or with one the person is not
// in, the organization picked last on this browser, else their first).
import { createRoute, lazyRouteComponent, type SearchSchemaInput } from "@tanstack/react-router";
import { optionalUuid } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const agentsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/agents",
  validateSearch: (search: { organization?: string } & SearchSchemaInput): { organization: string | undefined } => ({
    organization: optionalUuid(search.organization),
  }),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "AgentsRoutePage"),
});
