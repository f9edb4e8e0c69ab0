// The dashboard's router: the route tree, the session as router context (so a route can tell
// signed in from signed out before it loads), and the last-resort pages.
import { createRouter, RouterProvider } from "@tanstack/react-router";
import { RouteErrorPage } from "./pages/route-error-page.tsx";
import { routeTree } from "./route-tree.ts";
import type { DashboardSession } from "./session/dashboard-session.ts";

export function createDashboardRouter(session: DashboardSession) {
  const router = createRouter({
    routeTree,
    context: { session },
    // A product's code starts loading when a link to it is hovered or focused.
    defaultPreload: "intent",
    // Every route's own errors render in its place, inside the shell, not over the whole page.
    defaultErrorComponent: RouteErrorPage,
    // Shown only when a page's code takes more than a second to arrive (defaultPendingMs).
    defaultPendingComponent: PagePending,
    scrollRestoration: true,
  });
  // Signing in, out or expiring (here or in another tab) re-runs the routes' checks: a
  // signed-out person is sent to sign-in, a signed-in one on from it.
  session.subscribe(() => void router.invalidate());
  return router;
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createDashboardRouter>;
  }
}

function PagePending() {
  return (
    <p className="loading" aria-busy="true">
      Loading…
    </p>
  );
}

export function App({ router }: { router: ReturnType<typeof createDashboardRouter> }) {
  return <RouterProvider router={router} />;
}
