// Loads who the signed-in person is, then the shell around the page. A token the server no
// longer accepts signs the person out with its reason (the router then sends them to sign-in).
import { type ReactNode, useEffect } from "react";
import { isSignedOutError, readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useDashboardSession } from "../session/session-provider.tsx";
import { AppShell } from "./app-shell.tsx";
import { MeContext } from "./me.tsx";

export function SignedInLayout({ children }: { children: ReactNode }) {
  const session = useDashboardSession();
  const me = trpc.auth.me.useQuery();
  const signedOut = me.error && isSignedOutError(me.error);

  useEffect(() => {
    if (signedOut) session.signedOut(readAppError(me.error).message);
  }, [signedOut, session, me.error]);

  if (me.data) {
    return (
      <MeContext.Provider value={me.data}>
        <AppShell me={me.data}>{children}</AppShell>
      </MeContext.Provider>
    );
  }
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
