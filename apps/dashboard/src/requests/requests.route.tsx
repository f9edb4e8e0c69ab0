// /requests: the customer's "ask for a mechanic" page, or the mechanic's live board.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const requestsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/requests",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "RequestsRoutePage"),
});
