// Everything a signed-in person sees around a page: who they are, whether the realtime
// connection is up, the way out, and the way to each product.
import type { RouterOutputs } from "@switchboard/api";
import { trpc } from "../api/trpc.ts";
import { NotFoundPage } from "../pages/not-found-page.tsx";
import { ProductPage } from "../pages/product-page.tsx";
import { Link, navigate, Redirect, usePathname } from "../routing/router.tsx";
import { useDashboardSession } from "../session/session-provider.tsx";
import { ConnectionIndicator } from "./connection-indicator.tsx";
import { homePath, products } from "./products.ts";

type Me = RouterOutputs["auth"]["me"];

/** URLs that only make sense signed out (or have no page of their own) lead home. */
const signedOutPaths = new Set(["/", "/sign-in", "/sign-up"]);

export function AppShell({ me }: { me: Me }) {
  const session = useDashboardSession();
  const pathname = usePathname();
  // Revoke the token on the server, then forget it here whatever the answer: an unreachable
  // server must not keep someone signed in on this browser.
  const signOut = trpc.auth.signOut.useMutation({
    onSettled: () => {
      session.signedOut();
      navigate("/sign-in");
    },
  });

  if (signedOutPaths.has(pathname)) return <Redirect to={homePath} />;
  const product = products.find((candidate) => candidate.path === pathname);

  return (
    <div className="shell">
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
            {products.map(({ path, name }) => (
              <li key={path}>
                <Link href={path}>{name}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">{product ? <ProductPage product={product} /> : <NotFoundPage />}</main>
      </div>
    </div>
  );
}
