// Which screen to show: signed out → sign-in (or sign-up); signed in → load who the person is,
// then the shell. A token the server no longer accepts signs the person out with its reason.
import { useEffect } from "react";
import { isSignedOutError, readAppError } from "./api/app-error.ts";
import { trpc } from "./api/trpc.ts";
import { useInvitationSignInNotice } from "./organizations/invitation-return.ts";
import { SignInPage } from "./pages/sign-in-page.tsx";
import { SignUpPage } from "./pages/sign-up-page.tsx";
import { usePathname } from "./routing/router.tsx";
import { useDashboardSession, useSessionSnapshot } from "./session/session-provider.tsx";
import { AppShell } from "./shell/app-shell.tsx";

export function App() {
  const { clients, notice } = useSessionSnapshot();
  const pathname = usePathname();
  const invitationNotice = useInvitationSignInNotice(pathname, Boolean(clients.token));
  if (!clients.token) {
    return pathname === "/sign-up" ? <SignUpPage /> : <SignInPage notice={notice ?? invitationNotice} />;
  }
  return <SignedIn />;
}

function SignedIn() {
  const session = useDashboardSession();
  const me = trpc.auth.me.useQuery();
  const signedOut = me.error && isSignedOutError(me.error);

  useEffect(() => {
    if (signedOut) session.signedOut(readAppError(me.error).message);
  }, [signedOut, session, me.error]);

  if (me.data) return <AppShell me={me.data} />;
  if (me.error && !signedOut) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <h1>Switchboard</h1>
          <p role="alert">{readAppError(me.error).message}</p>
          <button type="button" onClick={() => void me.refetch()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  return (
    <main className="auth-page" aria-busy="true">
      <p className="loading">Loading your account…</p>
    </main>
  );
}
