// /requests/$requestId: one request's own page. A malformed id is a request that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const requestRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/requests/$requestId",
  params: { parse: ({ requestId }) => ({ requestId: uuidParam(requestId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Request"
      message="We couldn't find that request."
      back={{ to: "/requests", label: "Back to Requests" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "RequestRoutePage"),
});
