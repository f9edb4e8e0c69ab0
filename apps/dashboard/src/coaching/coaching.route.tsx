// /coaching: summaries, action items, goals, coaching sessions and conversations.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const coachingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/coaching",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "CoachingRoutePage"),
});
