// /onboarding/$sessionId: one onboarding's live progress. A malformed id is a sign-up that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const onboardingSessionRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/onboarding/$sessionId",
  params: { parse: ({ sessionId }) => ({ sessionId: uuidParam(sessionId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Onboarding"
      message="We couldn't find that sign-up."
      back={{ to: "/onboarding", label: "Back to Onboarding" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "OnboardingSessionRoutePage"),
});
