// The Coaching product's pages as the router renders them: loaded on the first visit to the
// product (one chunk for all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { CoachingPage } from "./coaching-page.tsx";
import { ConversationPage } from "./conversation-page.tsx";
import { UsagePage } from "./usage-page.tsx";

const conversationRoute = getRouteApi("/signed-in/coaching/conversations/$conversationId");

export function CoachingRoutePage() {
  return <CoachingPage />;
}

export function UsageRoutePage() {
  return <UsagePage />;
}

export function ConversationRoutePage() {
  const { conversationId } = conversationRoute.useParams();
  return <ConversationPage key={conversationId} conversationId={conversationId} />;
}
