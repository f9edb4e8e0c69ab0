// What the query cache does around a lost live connection, on TanStack Query's own machinery:
// - onlineManager follows the connection (not only the browser's network flag): while live
//   updates are paused, queries pause instead of failing one by one, and when the connection is
//   back TanStack refetches the active queries (refetchOnReconnect) and resumes paused fetches,
//   so changes made meanwhile appear and errored queries are tried again. Not those a tracked
//   subscription follows (their data carries the lastEventId it resumes from): the subscription
//   replays what was missed with no gap, and a re-read would move that lastEventId, restarting
//   the subscription and dropping what the page built on it (the board's "New" marks, its older pages).
// - Mutations run with networkMode "always" (dashboard-session.ts): a paused mutation would be a
//   silent queue; instead the offline link refuses them in words (offline-refusal.ts).
// - A mutation error that only said "no connection" is stale once the connection is back.
//   TanStack has no "reset every mutation" call, so the observers are tracked through the
//   MutationCache's own observerAdded/observerRemoved events and reset with their own reset().
import { type MutationObserver, onlineManager, type Query, type QueryClient } from "@tanstack/react-query";
import { isOutageError } from "./app-error.ts";
import { type ConnectionStatus, updatesPaused } from "./connection-status.ts";

// biome-ignore lint/suspicious/noExplicitAny: observers of every mutation's own types
type AnyMutationObserver = MutationObserver<any, any, any, any>;

/** The default refetchOnReconnect: every query, except one that a tracked subscription resumes. */
export function refetchOnReconnect(query: Query): boolean {
  const data: unknown = query.state.data;
  // An infinite query's first page is the one read with the lastEventId.
  const first = isObject(data) && Array.isArray(data.pages) ? data.pages[0] : data;
  return !(isObject(first) && "lastEventId" in first);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export class OutageRecovery {
  private readonly mutationObservers = new Set<AnyMutationObserver>();

  constructor(queryClient: QueryClient) {
    queryClient.getMutationCache().subscribe((event) => {
      if (event.type === "observerAdded") this.mutationObservers.add(event.observer);
      if (event.type === "observerRemoved") this.mutationObservers.delete(event.observer);
    });
  }

  /** Makes `connection` the one the cache follows (a new one comes with each sign-in). */
  follow(connection: ConnectionStatus): void {
    let recoveries = connection.getRecoveries();
    onlineManager.setEventListener((setOnline) => {
      const update = () => {
        setOnline(!updatesPaused(connection.getState()));
        if (connection.getRecoveries() === recoveries) return;
        recoveries = connection.getRecoveries();
        this.clearOutageErrors();
      };
      update();
      return connection.subscribe(update);
    });
  }

  private clearOutageErrors(): void {
    for (const observer of this.mutationObservers) {
      const { status, error } = observer.getCurrentResult();
      if (status === "error" && isOutageError(error)) observer.reset();
    }
  }
}
