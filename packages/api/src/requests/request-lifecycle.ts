// Accept (mechanic), cancel (customer) and expire (background job): each is one conditional
// UPDATE on a pending request, so exactly one of any number of concurrent attempts wins, and
// its events are published in the same transaction.
import type { Database, SessionRequestStatus } from "@switchboard/db";
import { appError } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishRequestChange } from "./request-events.ts";

const notPendingMessages: Record<Exclude<SessionRequestStatus, "pending">, ReturnType<typeof appError>> = {
  accepted: appError("REQUEST_ALREADY_ACCEPTED", "Another mechanic accepted this request."),
  cancelled: appError("REQUEST_NOT_PENDING", "The customer cancelled this request."),
  expired: appError("REQUEST_NOT_PENDING", "This request expired before anyone accepted it."),
};

function notPending(status: SessionRequestStatus) {
  return status === "pending"
    ? appError("TRY_AGAIN", "That request changed just now. Please try again.")
    : notPendingMessages[status];
}

const requestNotFound = () => appError("NOT_FOUND", "We couldn't find that request.");

export async function acceptRequest(
  db: Database,
  events: AppEventBus,
  mechanic: { id: string; displayName: string },
  requestId: string,
) {
  return db.$transaction(async (tx) => {
    const at = new Date();
    const { count } = await tx.sessionRequest.updateMany({
      where: { id: requestId, status: "pending" },
      data: { status: "accepted", mechanicId: mechanic.id, acceptedAt: at },
    });
    const request = await tx.sessionRequest.findUnique({
      where: { id: requestId },
      select: { status: true, sessionId: true, mechanicId: true },
    });
    if (!request) throw requestNotFound();
    if (count === 0 && request.status === "accepted" && request.mechanicId === mechanic.id) {
      // The winner clicking again (a second tab, a double click) is not "another mechanic".
      throw appError("REQUEST_ALREADY_ACCEPTED", "You already accepted this request — it's yours.");
    }
    if (count === 0) throw notPending(request.status);
    await tx.serviceSession.update({
      where: { id: request.sessionId },
      data: { mechanicId: mechanic.id, status: "active", startedAt: at },
    });
    await publishRequestChange(tx, events, {
      requestId,
      sessionId: request.sessionId,
      status: "accepted",
      mechanicName: mechanic.displayName,
      at,
    });
    return { requestId, sessionId: request.sessionId, status: "accepted" as const };
  });
}

export async function cancelRequest(db: Database, events: AppEventBus, customerId: string, requestId: string) {
  return db.$transaction(async (tx) => {
    const at = new Date();
    const { count } = await tx.sessionRequest.updateMany({
      where: { id: requestId, customerId, status: "pending" },
      data: { status: "cancelled", cancelledAt: at },
    });
    const request = await tx.sessionRequest.findFirst({
      where: { id: requestId, customerId },
      select: { status: true, sessionId: true },
    });
    if (!request) throw requestNotFound();
    if (count === 0) {
      if (request.status === "cancelled") throw appError("REQUEST_NOT_PENDING", "This request was already cancelled.");
      if (request.status === "accepted") {
        throw appError("REQUEST_NOT_PENDING", "A mechanic already accepted this request, so it can't be cancelled.");
      }
      throw notPending(request.status);
    }
    await tx.serviceSession.update({ where: { id: request.sessionId }, data: { status: "cancelled", endedAt: at } });
    await publishRequestChange(tx, events, {
      requestId,
      sessionId: request.sessionId,
      status: "cancelled",
      mechanicName: null,
      at,
    });
    return { requestId, status: "cancelled" as const };
  });
}

/**
 * Expires pending requests older than the cutoff. Safe with several server instances running
 * it at once: rows are claimed with FOR UPDATE SKIP LOCKED and only rows this transaction
 * changed get an event, so each expiry is published exactly once.
 */
export async function expireStaleRequests(
  db: Database,
  events: AppEventBus,
  options: { olderThanMs: number; batchSize?: number },
) {
  return db.$transaction(async (tx) => {
    const cutoff = new Date(Date.now() - options.olderThanMs);
    const expired = await tx.$queryRaw<{ id: string; session_id: string }[]>`
      WITH due AS (
        SELECT id FROM session_requests
         WHERE status = 'pending' AND created_at < ${cutoff}
         ORDER BY created_at LIMIT ${options.batchSize ?? 500}
         FOR UPDATE SKIP LOCKED)
      UPDATE session_requests r SET status = 'expired', expired_at = now(), updated_at = now()
        FROM due WHERE r.id = due.id AND r.status = 'pending'
      RETURNING r.id, r.session_id`;
    const at = new Date();
    for (const row of expired) {
      await tx.serviceSession.update({ where: { id: row.session_id }, data: { status: "cancelled", endedAt: at } });
      await publishRequestChange(tx, events, {
        requestId: row.id,
        sessionId: row.session_id,
        status: "expired",
        mechanicName: null,
        at,
      });
    }
    return expired.map((row) => row.id);
  });
}
