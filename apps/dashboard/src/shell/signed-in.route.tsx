// The layout route every signed-in page sits in (no path of its own): a signed-out visit is sent
// to sign-in with the address it asked for, to come back to afterwards; otherwise the shell.
import { createRoute, Outlet, redirect } from "@tanstack/react-router";
import { homePath } from "./products.ts";
import { rootRoute } from "./root.route.tsx";
import { SignedInLayout } from "./signed-in-layout.tsx";

export const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "signed-in",
  beforeLoad: ({ context, location }) => {
    if (!context.session.getSnapshot().clients.token) {
      throw redirect({ to: "/sign-in", search: { redirect: location.href }, replace: true });
    }
  },
  component: () => (
    <SignedInLayout>
      <Outlet />
    </SignedInLayout>
  ),
});

/** "/" has no page: home when signed in, sign-in when not. */
export const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: ({ context }) => {
    throw redirect({ to: context.session.getSnapshot().clients.token ? homePath : "/sign-in", replace: true });
  },
});
