// One set of clients per session token. The WebSocket authenticates once, when it connects
// (tRPC connectionParams), so a new token needs a new socket: signing in or out replaces the
// whole set rather than patching a live connection.
import type { AppRouter } from "@switchboard/api";
import { MAX_BATCH_SIZE, UNBATCHED_PROCEDURES } from "@switchboard/api/transport-limits";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from "@trpc/client";
import superjson from "superjson";
import { ConnectionStatus, reconnectDelayMs } from "./connection-status.ts";
import { refuseActionsWhileOffline } from "./offline-refusal.ts";

export interface ApiClients {
  token: string | null;
  trpcClient: TRPCClient<AppRouter>;
  connection: ConnectionStatus;
  /** Closes the WebSocket for good and stops reporting its state. */
  close(): void;
}

const apiPath = "/trpc";

function webSocketUrl(): string {
  const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${window.location.host}${apiPath}`;
}

export function createApiClients(token: string | null): ApiClients {
  const connection = new ConnectionStatus();
  const wsClient = createWSClient({
    url: webSocketUrl,
    connectionParams: token ? { token } : null,
    retryDelayMs: reconnectDelayMs,
    // Off by default in tRPC: without it a silently dead connection (sleeping laptop, lost
    // Wi-Fi) looks "Live" until the operating system gives up on the TCP socket.
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 3_000 },
    onOpen: () => connection.opened(),
    onClose: (cause) => connection.lostConnection(cause),
  });
  const onNetworkChange = () => connection.networkChanged();
  window.addEventListener("online", onNetworkChange);
  window.addEventListener("offline", onNetworkChange);

  const http = {
    url: apiPath,
    transformer: superjson,
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  };
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      refuseActionsWhileOffline(connection),
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: wsLink<AppRouter>({ client: wsClient, transformer: superjson }),
        // The server refuses sign-in inside a batch, and batches past MAX_BATCH_SIZE.
        false: splitLink({
          condition: (operation) => UNBATCHED_PROCEDURES.has(operation.path),
          true: httpLink(http),
          false: httpBatchLink({ ...http, maxItems: MAX_BATCH_SIZE }),
        }),
      }),
    ],
  });

  return {
    token,
    trpcClient,
    connection,
    close() {
      window.removeEventListener("online", onNetworkChange);
      window.removeEventListener("offline", onNetworkChange);
      connection.dispose();
      void wsClient.close();
    },
  };
}
