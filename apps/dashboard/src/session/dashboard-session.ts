// The signed-in state of this browser: the session token (kept in localStorage so a reload
// stays signed in), the API clients built for that token, and the query cache. Changing the
// token replaces the clients and empties the cache, so nothing fetched as one person is ever
// shown to the next.
import { QueryClient } from "@tanstack/react-query";
import { type ApiClients, createApiClients } from "../api/api-clients.ts";
import { isWorthRetrying } from "../api/app-error.ts";
import { OutageRecovery, refetchOnReconnect } from "../api/outage-recovery.ts";

const tokenStorageKey = "switchboard.sessionToken";
const MAX_QUERY_RETRIES = 2;

export interface SessionSnapshot {
  clients: ApiClients;
  /** Why the person was signed out, shown once on the sign-in page. */
  notice: string | null;
}

export class DashboardSession {
  readonly queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => failureCount < MAX_QUERY_RETRIES && isWorthRetrying(error),
        refetchOnWindowFocus: false,
        refetchOnReconnect,
      },
      // Sent (and refused in words while offline), never paused in a silent queue: outage-recovery.ts.
      mutations: { networkMode: "always" },
    },
  });
  private readonly recovery = new OutageRecovery(this.queryClient);
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor() {
    this.snapshot = { clients: createApiClients(readStoredToken()), notice: null };
    this.recovery.follow(this.snapshot.clients.connection);
    // Signing in or out in another tab applies here too.
    window.addEventListener("storage", (event) => {
      if (event.key === tokenStorageKey && event.newValue !== this.snapshot.clients.token) {
        this.replaceToken(event.newValue, null);
      }
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionSnapshot => this.snapshot;

  signedIn(token: string): void {
    writeStoredToken(token);
    this.replaceToken(token, null);
  }

  /** Forgets the token locally. Revoking it on the server (auth.signOut) is the caller's job. */
  signedOut(notice: string | null = null): void {
    writeStoredToken(null);
    this.replaceToken(null, notice);
  }

  private replaceToken(token: string | null, notice: string | null): void {
    this.snapshot.clients.close();
    this.queryClient.clear();
    this.snapshot = { clients: createApiClients(token), notice };
    this.recovery.follow(this.snapshot.clients.connection);
    for (const listener of this.listeners) listener();
  }
}

function readStoredToken(): string | null {
  try {
    return window.localStorage.getItem(tokenStorageKey);
  } catch {
    // Storage can be blocked (privacy settings); the person then signs in per page load.
    return null;
  }
}

function writeStoredToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(tokenStorageKey, token);
    else window.localStorage.removeItem(tokenStorageKey);
  } catch {
    // See readStoredToken: the session still works until the page is closed.
  }
}
