// The Sessions product's pages as the router renders them: loaded on the first visit to the
// product (one chunk for all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { requestsViewerOf, useMe } from "../shell/me.tsx";
import { SessionPage } from "./session-page.tsx";
import { SessionsPage } from "./sessions-page.tsx";

const sessionRoute = getRouteApi("/signed-in/sessions/$sessionId");

export function SessionsRoutePage() {
  return <SessionsPage viewer={requestsViewerOf(useMe())} />;
}

export function SessionRoutePage() {
  const { sessionId } = sessionRoute.useParams();
  return <SessionPage key={sessionId} sessionId={sessionId} />;
}
