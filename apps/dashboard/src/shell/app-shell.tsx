// Everything a signed-in person sees around a page: who they are, whether the realtime
// connection is up, the way out, and the way to each product.
import { Link, useLocation, useNavigate } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { trpc } from "../api/trpc.ts";
import { OrganizationLinks } from "../organizations/organization-links.tsx";
import { useDashboardSession } from "../session/session-provider.tsx";
import { ConnectionBanner } from "./connection-banner.tsx";
import { ConnectionIndicator } from "./connection-indicator.tsx";
import type { Me } from "./me.tsx";
import { productsFor } from "./products.ts";
import { SkipLink, skipTargetId } from "./skip-link.tsx";

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const session = useDashboardSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // Revoke the token on the server, then forget it here whatever the answer: an unreachable
  // server must not keep someone signed in on this browser. Signing out is not a detour, so the
  // sign-in page that follows has no address to come back to.
  const signOut = trpc.auth.signOut.useMutation({
    onSettled: () => {
      session.signedOut();
      void navigate({ to: "/sign-in", replace: true });
    },
  });

  return (
    <div className="shell">
      <SkipLink />
      <ConnectionBanner />
      <header className="topbar">
        <p className="brand">Switchboard</p>
        <ConnectionIndicator />
        <p className="signed-in-as">
          Signed in as <strong>{me.user.name}</strong>
        </p>
        <button type="button" className="secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? "Signing out…" : "Sign out"}
        </button>
      </header>
      <div className="shell-body">
        <nav aria-label="Products" className="sidebar">
          <ul>
            {productsFor(me).map(({ path, name }) => (
              <li key={path}>
                {/* Exact: the router marks only the product's own page "page"; its inner pages say "true". */}
                <Link
                  to={path}
                  activeOptions={{ exact: true, includeSearch: false }}
                  aria-current={currentness(pathname, path)}
                >
                  {name}
                </Link>
              </li>
            ))}
          </ul>
          <OrganizationLinks memberships={me.memberships} />
        </nav>
        <main className="content" id={skipTargetId} tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/** Pages outside a product's own path that belong to it: an organization's members are managed from Agents. */
const sectionsOf: Record<string, readonly string[]> = { "/agents": ["/organizations/", "/invitations/"] };

/** The product's own page is the current page; on one of its inner pages (a request's page) it is the current section. */
function currentness(pathname: string, productPath: string): "page" | "true" | undefined {
  if (pathname === productPath) return "page";
  const inSection = [`${productPath}/`, ...(sectionsOf[productPath] ?? [])].some((prefix) =>
    pathname.startsWith(prefix),
  );
  return inSection ? "true" : undefined;
}
