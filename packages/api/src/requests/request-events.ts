// Publishing a request's change to both audiences at once: the mechanics' board and the
// request's own status channel (its customer and mechanic), and the customer's own list of
// recent requests; and, when the change moves its service session, the session's own events.
// Always inside the change's transaction.
import type { ServiceSessionStatus, Transaction } from "@switchboard/db";
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

export interface SessionChange {
  sessionId: string;
  /** Why, in the sessions topics' terms (sessions/topics.ts, met here by topic name only). */
  reason: "accepted" | "released" | "cancelled";
  status: ServiceSessionStatus;
  at: Date;
  /** Whose sessions list changed: user ids (the customer's, the mechanic's user — not mechanic — id). */
  userIds: string[];
}

/** The session page's `changed` event and each person's sessions list. */
export async function publishSessionChange(tx: Transaction, events: AppEventBus, change: SessionChange) {
  const at = change.at.toISOString();
  await events.publish(tx, "sessions.events", change.sessionId, {
    kind: "changed",
    reason: change.reason,
    status: change.status,
    at,
  });
  for (const userId of new Set(change.userIds)) {
    await events.publish(tx, "sessions.mine", userId, { sessionId: change.sessionId, reason: change.reason, at });
  }
}
