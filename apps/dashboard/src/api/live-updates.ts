// A live page reads its data with the event id it is current to, then subscribes from that id, so
// nothing in between is lost. These are the parts every such subscription shares.
import { type AppErrorView, readAppError } from "./app-error.ts";

/** What a live subscription sends: an event, or word that the events after its lastEventId were pruned. */
type LiveMessage<TPayload> = { type: "event"; payload: TPayload } | { type: "resync" };

/**
 * The subscription's onData. On a resync the events we missed are gone: `resync` reads the data
 * again, and its new lastEventId restarts the subscription from there. Every other message is an event.
 */
export function onLiveMessage<TPayload>(handlers: {
  resync: () => void;
  event: (payload: TPayload) => void;
}): (tracked: { data: LiveMessage<TPayload> }) => void {
  return ({ data: message }) => {
    if (message.type === "resync") handlers.resync();
    else handlers.event(message.payload);
  };
}

export interface LiveProblem {
  error: AppErrorView;
  retry: () => void;
}

/** Live updates that stopped, as the page shows them: why, and how to reconnect; null while they run. */
export function liveProblemOf(subscription: { status: string; error: unknown; reset: () => void }): LiveProblem | null {
  return subscription.status === "error"
    ? { error: readAppError(subscription.error), retry: subscription.reset }
    : null;
}
