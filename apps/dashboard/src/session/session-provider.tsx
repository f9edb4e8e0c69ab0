// Puts the current session's tRPC client and query cache into React. When the session's token
// changes, every hook below re-renders against the new clients.
import { QueryClientProvider } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import { trpc } from "../api/trpc.ts";
import type { DashboardSession, SessionSnapshot } from "./dashboard-session.ts";

const SessionContext = createContext<DashboardSession | null>(null);

export function SessionProvider({ session, children }: { session: DashboardSession; children: ReactNode }) {
  const { clients } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return (
    <SessionContext.Provider value={session}>
      <trpc.Provider client={clients.trpcClient} queryClient={session.queryClient}>
        <QueryClientProvider client={session.queryClient}>{children}</QueryClientProvider>
      </trpc.Provider>
    </SessionContext.Provider>
  );
}

export function useDashboardSession(): DashboardSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useDashboardSession must be used inside <SessionProvider>");
  return session;
}

export function useSessionSnapshot(): SessionSnapshot {
  const session = useDashboardSession();
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}
