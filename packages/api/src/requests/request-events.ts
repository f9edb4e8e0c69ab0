// Publishing a request's change to both audiences at once: the mechanics' board and the
// request's own status channel (its customer and mechanic), and the customer's own list of
// recent requests (a change that moves its service session also calls
// publishServiceSessionChange, service-session-changes.ts).
// Always inside the change's transaction.
import type { Transaction } from "@switchboard/db";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";
import { customerRequestIn } from "./request-status.ts";
import { BOARD_SCOPE } from "./topics.ts";

export interface RequestChange {
  requestId: string;
  sessionId: string;
  status: "accepted" | "cancelled" | "expired";
  mechanicName: string | null;
  at: Date;
}

/** A change that takes the request off the board. */
export async function publishRequestChange(tx: Transaction, events: AppEventBus, change: RequestChange) {
  await events.publish(tx, "requests.board", BOARD_SCOPE, { kind: change.status, requestId: change.requestId });
  await publishRequestStatus(tx, events, change);
}

/** The request's status channel and its customer's line, without the board. */
export async function publishRequestStatus(
  tx: Transaction,
  events: AppEventBus,
  change: Omit<RequestChange, "status"> & { status: RequestChange["status"] | "unattended" },
) {
  await events.publish(tx, "requests.status", change.requestId, {
    requestId: change.requestId,
    status: change.status,
    sessionId: change.sessionId,
    mechanicName: change.mechanicName,
    at: change.at.toISOString(),
  });
  await publishCustomerRequest(tx, events, change.requestId);
}

/** The request's line in its customer's recent requests (scope: the customer's user id). */
export async function publishCustomerRequest(tx: Transaction, events: AppEventBus, requestId: string) {
  const { customerId, request } = await customerRequestIn(tx, requestId);
  await events.publish(tx, "requests.mine", customerId, { request: eventFormOf(request) });
}
