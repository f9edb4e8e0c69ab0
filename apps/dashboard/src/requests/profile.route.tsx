// /profile: a mechanic's own profile (the name customers see, specialties, availability) and
// how customers rated their sessions. In the Requests chunk: it is the board's other half.
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";

export const profileRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/profile",
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "ProfileRoutePage"),
});
