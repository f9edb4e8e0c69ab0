// The two signed-out pages, /sign-in and /sign-up. Both carry `redirect`, the address a
// signed-out visit asked for (see session/return-path.ts), and both lead on once signed in:
// to that address, or home.
import { createRoute, redirect } from "@tanstack/react-router";
import { invitationSignInNotice, isInvitationReturn } from "../organizations/organization-labels.ts";
import { returnPathOf } from "../session/return-path.ts";
import { useSessionSnapshot } from "../session/session-provider.tsx";
import { homePath } from "../shell/products.ts";
import { type RouterContext, rootRoute } from "../shell/root.route.tsx";
import { SignInPage } from "./sign-in-page.tsx";
import { SignUpPage } from "./sign-up-page.tsx";

interface AuthSearch {
  redirect?: string | undefined;
}

/**
 * A `redirect` that is not one of our own addresses is dropped, never followed. The key is
 * always returned (undefined when dropped): the router lays the validated search over the raw
 * one, so leaving it out would keep the raw value.
 */
function validateAuthSearch(search: Record<string, unknown>): AuthSearch {
  return { redirect: returnPathOf(search.redirect) };
}

function leadOnWhenSignedIn({ context, search }: { context: RouterContext; search: AuthSearch }) {
  if (context.session.getSnapshot().clients.token) throw redirect({ href: search.redirect ?? homePath, replace: true });
}

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: validateAuthSearch,
  beforeLoad: leadOnWhenSignedIn,
  component: function SignInRoute() {
    const { redirect: returnTo } = signInRoute.useSearch();
    const { notice } = useSessionSnapshot();
    const invitationNotice = isInvitationReturn(returnTo) ? invitationSignInNotice : null;
    return <SignInPage notice={notice ?? invitationNotice} returnTo={returnTo} />;
  },
});

export const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-up",
  validateSearch: validateAuthSearch,
  beforeLoad: leadOnWhenSignedIn,
  component: function SignUpRoute() {
    const { redirect: returnTo } = signUpRoute.useSearch();
    return <SignUpPage returnTo={returnTo} />;
  },
});
