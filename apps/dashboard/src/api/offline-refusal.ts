// Actions tried while the connection is offline are refused at once, in plain words, rather than
// sent into a dead connection (an HTTP call that times out, or a chat message the WebSocket
// client would hold until a reconnect nobody sees coming). Refused, not queued: a queued
// "accept this request" or chat message could land minutes later, when it no longer makes sense
// and nobody is watching; a refusal keeps the person's draft and lets them decide again.
import type { AppRouter } from "@switchboard/api";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { ConnectionStatus } from "./connection-status.ts";

export const offlineMessage = "You're offline, so this wasn't sent. It will work again when the connection is back.";

/**
 * Subscriptions that are actions (they store something, then stream the answer), as opposed
 * to live updates, which wait for the connection and resume from their last event.
 */
const actionSubscriptions: ReadonlySet<string> = new Set(["coaching.send", "agents.sendMessage"]);

/** The cause of a refused call, so readAppError can word it (app-error.ts). */
class OfflineRefusal extends Error {
  constructor() {
    super(offlineMessage);
    this.name = "OfflineRefusal";
  }
}

/** The call was refused here, while offline: nothing reached the server. */
export function wasRefusedOffline(error: unknown): boolean {
  return error instanceof TRPCClientError && error.cause instanceof OfflineRefusal;
}

/** A tRPC link that refuses mutations and action subscriptions while the connection is offline. */
export function refuseActionsWhileOffline(connection: ConnectionStatus): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const isAction = op.type === "mutation" || (op.type === "subscription" && actionSubscriptions.has(op.path));
        if (isAction && connection.getState() === "offline") {
          observer.error(TRPCClientError.from(new OfflineRefusal()));
          return;
        }
        return next(op).subscribe(observer);
      });
}
