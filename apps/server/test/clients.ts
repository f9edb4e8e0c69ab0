// tRPC clients for tests and benchmarks that talk to a real server: HTTP with a bearer token,
// and WebSocket with the token in connectionParams (as the dashboard does).
import type { AppRouter } from "@switchboard/api";
import { createTRPCClient, createWSClient, httpLink, wsLink } from "@trpc/client";
import superjson from "superjson";
import WebSocket from "ws";

export function httpClient(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

/** A WebSocket client and its tRPC client; close the socket when done. */
export function wsClient(url: string, token: string, options: { retryDelayMs?: () => number } = {}) {
  const socket = createWSClient({
    url: `${url.replace("http", "ws")}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
    ...options,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket, transformer: superjson })] });
  return { socket, client };
}
