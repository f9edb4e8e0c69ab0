// The Onboarding product's pages as the router renders them: loaded on the first visit to the
// product (one chunk for all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { useMe } from "../shell/me.tsx";
import { OnboardingPage } from "./onboarding-page.tsx";
import { OnboardingSessionPage } from "./onboarding-session-page.tsx";

const sessionRoute = getRouteApi("/signed-in/onboarding/$sessionId");

export function OnboardingRoutePage() {
  return <OnboardingPage email={useMe().user.email} />;
}

export function OnboardingSessionRoutePage() {
  const { sessionId } = sessionRoute.useParams();
  return <OnboardingSessionPage key={sessionId} sessionId={sessionId} />;
}
