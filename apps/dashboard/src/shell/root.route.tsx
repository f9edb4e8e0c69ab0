// The root of the route tree: every address, signed in or out. It knows the session (router
// context), so routes can send a signed-out visit to sign-in before anything loads, and it holds
// the two last resorts: the not-found page for an address no route matches, and the error page
// for anything a route throws, so no address ever renders blank.
import { createRootRouteWithContext, Outlet } from "@tanstack/react-router";
import { NotFoundPage } from "../pages/not-found-page.tsx";
import { RouteErrorPage } from "../pages/route-error-page.tsx";
import type { DashboardSession } from "../session/dashboard-session.ts";
import { useSessionSnapshot } from "../session/session-provider.tsx";
import { SignedInLayout } from "./signed-in-layout.tsx";

export interface RouterContext {
  session: DashboardSession;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: UnknownAddress,
  errorComponent: RouteErrorPage,
});

/** Inside the shell when signed in, so the way on is right there; a plain page when signed out. */
function UnknownAddress() {
  const { clients } = useSessionSnapshot();
  if (!clients.token) return <NotFoundPage signedOut />;
  return (
    <SignedInLayout>
      <NotFoundPage />
    </SignedInLayout>
  );
}
