// /coaching/conversations/$conversationId: one conversation with the coach. A malformed id is a
// conversation that isn't there.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { ItemNotFound } from "../pages/loaded-page.tsx";
import { uuidParam } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const conversationRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/coaching/conversations/$conversationId",
  params: { parse: ({ conversationId }) => ({ conversationId: uuidParam(conversationId) }) },
  notFoundComponent: () => (
    <ItemNotFound
      title="Conversation"
      message="We couldn't find that conversation."
      back={{ to: "/coaching", label: "Back to coaching" }}
    />
  ),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "ConversationRoutePage"),
});
