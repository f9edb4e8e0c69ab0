// Every address the dashboard answers, in one tree (code-based routes: each page's route lives
// in its product's folder as <page>.route.tsx; this module only assembles them). Signed-out
// pages hang off the root; everything else sits in the signed-in layout, which sends a
// signed-out visit to sign-in and back.
import { agentRoute } from "./agents/agent.route.tsx";
import { agentsRoute } from "./agents/agents.route.tsx";
import { newAgentRoute } from "./agents/new-agent.route.tsx";
import { coachingRoute } from "./coaching/coaching.route.tsx";
import { conversationRoute } from "./coaching/conversation.route.tsx";
import { usageRoute } from "./coaching/usage.route.tsx";
import { onboardingRoute } from "./onboarding/onboarding.route.tsx";
import { onboardingSessionRoute } from "./onboarding/onboarding-session.route.tsx";
import { invitationRoute } from "./organizations/invitation.route.tsx";
import { membersRoute } from "./organizations/members.route.tsx";
import { settingsRoute } from "./organizations/settings.route.tsx";
import { signInRoute, signUpRoute } from "./pages/auth.routes.tsx";
import { profileRoute } from "./requests/profile.route.tsx";
import { requestRoute } from "./requests/request.route.tsx";
import { requestsRoute } from "./requests/requests.route.tsx";
import { sessionRoute } from "./sessions/session.route.tsx";
import { sessionsRoute } from "./sessions/sessions.route.tsx";
import { rootRoute } from "./shell/root.route.tsx";
import { indexRoute, signedInRoute } from "./shell/signed-in.route.tsx";

export const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  signUpRoute,
  signedInRoute.addChildren([
    requestsRoute,
    requestRoute,
    profileRoute,
    sessionsRoute,
    sessionRoute,
    onboardingRoute,
    onboardingSessionRoute,
    agentsRoute,
    newAgentRoute,
    agentRoute,
    membersRoute,
    settingsRoute,
    invitationRoute,
    coachingRoute,
    usageRoute,
    conversationRoute,
  ]),
]);
