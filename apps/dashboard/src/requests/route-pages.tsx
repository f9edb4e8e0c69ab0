// The Requests product's pages as the router renders them: loaded on the first visit to the
// product (one chunk for all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { requestsViewerOf, useMe } from "../shell/me.tsx";
import { ProfilePage } from "./profile-page.tsx";
import { RequestPage } from "./request-page.tsx";
import { RequestsPage } from "./requests-page.tsx";

const requestRoute = getRouteApi("/signed-in/requests/$requestId");

export function RequestsRoutePage() {
  return <RequestsPage viewer={requestsViewerOf(useMe())} />;
}

export function RequestRoutePage() {
  const { requestId } = requestRoute.useParams();
  return <RequestPage key={requestId} requestId={requestId} viewer={requestsViewerOf(useMe())} />;
}

export function ProfileRoutePage() {
  return <ProfilePage viewer={requestsViewerOf(useMe())} />;
}
