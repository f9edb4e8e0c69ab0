// Everything a signed-in person sees around a page: who they are, whether the realtime
// connection is up, the way out, and the way to each product.
import type { RouterOutputs } from "@switchboard/api";
import { agentIdFromPath } from "../agents/agent-labels.ts";
import { AgentPage } from "../agents/agent-page.tsx";
import { AgentsPage } from "../agents/agents-page.tsx";
import { trpc } from "../api/trpc.ts";
import { conversationIdFromPath, usagePath } from "../coaching/coaching-labels.ts";
import { CoachingPage } from "../coaching/coaching-page.tsx";
import { ConversationPage } from "../coaching/conversation-page.tsx";
import { UsagePage } from "../coaching/usage-page.tsx";
import { onboardingIdFromPath } from "../onboarding/onboarding-labels.ts";
import { OnboardingPage } from "../onboarding/onboarding-page.tsx";
import { OnboardingSessionPage } from "../onboarding/onboarding-session-page.tsx";
import { InvitationPage } from "../organizations/invitation-page.tsx";
import { rememberedInvitationPath } from "../organizations/invitation-return.ts";
import { MembersPage } from "../organizations/members-page.tsx";
import { invitationTokenFromPath, organizationIdFromMembersPath } from "../organizations/organization-labels.ts";
import { NotFoundPage } from "../pages/not-found-page.tsx";
import { ProductPage } from "../pages/product-page.tsx";
import { requestIdFromPath } from "../requests/request-labels.ts";
import { RequestPage } from "../requests/request-page.tsx";
import { RequestsPage } from "../requests/requests-page.tsx";
import { Link, navigate, Redirect, usePathname } from "../routing/router.tsx";
import { useDashboardSession } from "../session/session-provider.tsx";
import { ConnectionBanner } from "./connection-banner.tsx";
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

  // Someone who opened an invitation link signed out and then signed up goes back to it.
  if (signedOutPaths.has(pathname)) return <Redirect to={rememberedInvitationPath() ?? homePath} />;

  return (
    <div className="shell">
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
            {products.map(({ path, name }) => (
              <li key={path}>
                <Link href={path} aria-current={currentness(pathname, path)}>
                  {name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">
          <ShellPage pathname={pathname} me={me} />
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

/** The page for a path: a product's own pages where it has them, else its placeholder. */
function ShellPage({ pathname, me }: { pathname: string; me: Me }) {
  // The board is for mechanics (the API allows it only to them); everyone else asks for one.
  const viewer = me.user.role === "mechanic" && me.mechanicId ? "mechanic" : "customer";
  if (pathname === "/requests") return <RequestsPage viewer={viewer} />;
  const requestId = requestIdFromPath(pathname);
  if (requestId) return <RequestPage key={requestId} requestId={requestId} viewer={viewer} />;
  if (pathname === "/onboarding") return <OnboardingPage email={me.user.email} />;
  const onboardingId = onboardingIdFromPath(pathname);
  if (onboardingId) return <OnboardingSessionPage key={onboardingId} sessionId={onboardingId} />;
  if (pathname === "/agents") return <AgentsPage />;
  const agentId = agentIdFromPath(pathname);
  if (agentId) return <AgentPage key={agentId} agentId={agentId} />;
  const membersOf = organizationIdFromMembersPath(pathname);
  if (membersOf) return <MembersPage key={membersOf} organizationId={membersOf} myUserId={me.user.id} />;
  const invitationToken = invitationTokenFromPath(pathname);
  if (invitationToken) return <InvitationPage key={invitationToken} token={invitationToken} myEmail={me.user.email} />;
  if (pathname === "/coaching") return <CoachingPage />;
  if (pathname === usagePath) return <UsagePage />;
  const conversationId = conversationIdFromPath(pathname);
  if (conversationId) return <ConversationPage key={conversationId} conversationId={conversationId} />;
  const product = products.find((candidate) => candidate.path === pathname);
  return product ? <ProductPage product={product} /> : <NotFoundPage />;
}
