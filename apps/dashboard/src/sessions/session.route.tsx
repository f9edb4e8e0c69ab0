// /sessions/$sessionId: one service session's page (the chat, the call for a video session, the
// wrap-up and the rating). A malformed id is a session that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const sessionRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/sessions/$sessionId",
  params: { parse: ({ sessionId }) => ({ sessionId: uuidParam(sessionId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Session"
      message="We couldn't find that session."
      back={{ to: "/sessions", label: "Back to Sessions" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "SessionRoutePage"),
});
