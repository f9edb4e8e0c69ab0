// /onboarding: a business signs up for a plan and finds the onboardings it started.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const onboardingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/onboarding",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "OnboardingRoutePage"),
});
