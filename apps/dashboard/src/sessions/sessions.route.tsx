// /sessions: the signed-in person's service sessions — a customer's with their mechanics, a
// mechanic's with their customers — live, the ones still going first.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const sessionsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/sessions",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "SessionsRoutePage"),
});
