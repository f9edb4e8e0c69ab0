// The dashboard's side of an outage, with the real ConnectionStatus, the real TanStack Query
// cache and observers, and a real tRPC client whose last link stands in for the network.
import type { AppRouter } from "@switchboard/api";
import { MutationObserver, onlineManager, QueryClient, QueryObserver } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { afterEach, describe, expect, it } from "vitest";
import { readAppError } from "./app-error.ts";
import { ConnectionStatus } from "./connection-status.ts";
import { offlineMessage, refuseActionsWhileOffline } from "./offline-refusal.ts";
import { OutageRecovery, refetchOnReconnect } from "./outage-recovery.ts";

/** Takes the connection through more failed attempts than "reconnecting" allows: offline. */
function goOffline(connection: ConnectionStatus) {
  for (let attempt = 0; attempt < 4; attempt++) connection.lostConnection({ code: 1006 });
}

/** A network that answers every call with "ok" and counts what reached it. */
function countingNetwork(reached: string[]): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        reached.push(`${op.type} ${op.path}`);
        observer.next({ result: { type: "data", data: "ok" } });
        observer.complete();
      });
}

afterEach(() => onlineManager.setOnline(true));

describe("ConnectionStatus", () => {
  it("counts a recovery only when live updates were paused, not on the first connect or a catch-up", () => {
    const connection = new ConnectionStatus();
    connection.opened();
    expect(connection.getRecoveries()).toBe(0);
    connection.lostConnection({ code: 4008 });
    expect(connection.getState()).toBe("catchingUp");
    connection.opened();
    expect(connection.getRecoveries()).toBe(0);
    connection.lostConnection({ code: 1012 });
    expect(connection.getState()).toBe("reconnecting");
    connection.opened();
    expect(connection.getRecoveries()).toBe(1);
    goOffline(connection);
    expect(connection.getState()).toBe("offline");
    connection.opened();
    expect(connection.getRecoveries()).toBe(2);
  });
});

describe("refuseActionsWhileOffline", () => {
  it("refuses mutations and action subscriptions while offline, in words, reaching nothing; queries still go", async () => {
    const connection = new ConnectionStatus();
    const reached: string[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [refuseActionsWhileOffline(connection), countingNetwork(reached)],
    });
    connection.opened();
    goOffline(connection);

    const refused = await client.requests.cancel.mutate({ requestId: crypto.randomUUID() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect(readAppError(refused).message).toBe(offlineMessage);
    const streamed = await new Promise<unknown>((resolve) => {
      client.coaching.send.subscribe(
        { conversationId: crypto.randomUUID(), content: "hello" },
        { onError: resolve, onData: () => resolve("sent") },
      );
    });
    expect(readAppError(streamed).message).toBe(offlineMessage);
    expect(reached).toEqual([]);

    // Reads are not actions: they go (and pause in the query cache instead, see below).
    await client.auth.me.query();
    expect(reached).toEqual(["query auth.me"]);

    connection.opened();
    await client.requests.cancel.mutate({ requestId: crypto.randomUUID() });
    expect(reached).toEqual(["query auth.me", "mutation requests.cancel"]);
  });
});

describe("OutageRecovery", () => {
  it("pauses queries while updates are paused; on recovery refetches all but the live-followed ones and clears outage errors only", async () => {
    const connection = new ConnectionStatus();
    const queryClient = new QueryClient({
      defaultOptions: { queries: { refetchOnReconnect }, mutations: { networkMode: "always" } },
    });
    // As QueryClientProvider does: the cache now listens to onlineManager.
    queryClient.mount();
    new OutageRecovery(queryClient).follow(connection);
    connection.opened();
    expect(onlineManager.isOnline()).toBe(true);

    let reads = 0;
    const query = new QueryObserver(queryClient, { queryKey: ["mine"], queryFn: async () => ++reads });
    const unsubscribeQuery = query.subscribe(() => {});
    await expect.poll(() => query.getCurrentResult().data).toBe(1);
    // Followed by a tracked subscription, which resumes from its lastEventId by itself.
    let liveReads = 0;
    const live = new QueryObserver(queryClient, {
      queryKey: ["board"],
      queryFn: async () => ({ items: [], lastEventId: `1.${++liveReads}` }),
    });
    const unsubscribeLive = live.subscribe(() => {});
    await expect.poll(() => live.getCurrentResult().data?.lastEventId).toBe("1.1");

    const outage = new MutationObserver(queryClient, {
      mutationFn: async () => {
        throw new TRPCClientError("fetch failed");
      },
    });
    const refusal = new MutationObserver(queryClient, {
      mutationFn: async () => {
        throw TRPCClientError.from({ error: { code: -32600, message: "Already accepted", data: { appCode: "X" } } });
      },
    });
    const unsubscribeOutage = outage.subscribe(() => {});
    const unsubscribeRefusal = refusal.subscribe(() => {});
    await outage.mutate().catch(() => {});
    await refusal.mutate().catch(() => {});

    connection.lostConnection({ code: 1006 });
    expect(connection.getState()).toBe("reconnecting");
    expect(onlineManager.isOnline()).toBe(false);
    const startedWhilePaused = new QueryObserver(queryClient, {
      queryKey: ["opened meanwhile"],
      queryFn: async () => "read",
    });
    const unsubscribePaused = startedWhilePaused.subscribe(() => {});
    expect(startedWhilePaused.getCurrentResult().fetchStatus).toBe("paused");

    connection.opened();
    expect(onlineManager.isOnline()).toBe(true);
    await expect.poll(() => query.getCurrentResult().data).toBe(2);
    await expect.poll(() => startedWhilePaused.getCurrentResult().data).toBe("read");
    expect(liveReads).toBe(1);
    expect(outage.getCurrentResult().status).toBe("idle");
    // A refusal the server gave (it answered) is still news after the outage.
    expect(refusal.getCurrentResult().status).toBe("error");

    unsubscribeQuery();
    unsubscribeLive();
    unsubscribePaused();
    unsubscribeOutage();
    unsubscribeRefusal();
    queryClient.unmount();
    queryClient.clear();
  });
});
