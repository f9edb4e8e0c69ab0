// Accept (mechanic), cancel (customer) and expire (background job): each changes a request only
// while it is open — pending, or back on the board as unattended — and under its row lock
// (accept: SELECT ... FOR UPDATE; cancel and expire: a conditional UPDATE), so exactly one of any
// number of concurrent attempts wins, and its events are published in the same transaction.
import type { Database, SessionRequestStatus, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishServiceSessionChange } from "../service-session-changes.ts";
import { publishRequestChange } from "./request-events.ts";

export type OpenStatus = "pending" | "unattended";
export const openStatuses: OpenStatus[] = ["pending", "unattended"];
const isOpen = (status: SessionRequestStatus): status is OpenStatus => (openStatuses as string[]).includes(status);

const notOpenMessages: Record<Exclude<SessionRequestStatus, OpenStatus>, ReturnType<typeof appError>> = {
  accepted: appError("REQUEST_ALREADY_ACCEPTED", "Another mechanic accepted this request."),
  cancelled: appError("REQUEST_NOT_PENDING", "The customer cancelled this request."),
  expired: appError("REQUEST_NOT_PENDING", "This request expired before anyone accepted it."),
};

function notOpen(status: SessionRequestStatus) {
  return isOpen(status)
    ? appError("TRY_AGAIN", "That request changed just now. Please try again.")
    : notOpenMessages[status];
}

const requestNotFound = () => appError("NOT_FOUND", "We couldn't find that request.");

interface AcceptingMechanic {
  id: string;
  /** The mechanic's user id: the scope of their sessions list (a mechanic row's id is not a user id). */
  userId: string;
  displayName: string;
}

/**
 * The mechanic takes the request. Its session stays `waiting` until they join it (sessions/),
 * and must be joined by `joinBy`, or the join-timeout sweep releases them (join-timeout.ts).
 */
export async function acceptRequest(
  db: Database,
  events: AppEventBus,
  mechanic: AcceptingMechanic,
  requestId: string,
  options: { joinWithinMs: number },
) {
  return db.$transaction(async (tx) => {
    const at = new Date();
    // Lock first, then decide: FOR UPDATE waits for a concurrent accept's commit and then reads
    // the row as it left it, so a loser learns who won from this one statement and rolls back
    // (BEGIN, SELECT, ROLLBACK). An UPDATE guarded by status followed by a SELECT to explain a
    // miss cost each loser a fourth round trip on a pool connection, and in a 100-way race the
    // losers' round trips are what the others queue for (bench/requests.bench.ts).
    const [request] = await tx.$queryRaw<
      { status: SessionRequestStatus; session_id: string; customer_id: string; mechanic_id: string | null }[]
    >`SELECT status, session_id::text, customer_id::text, mechanic_id::text
        FROM session_requests WHERE id = ${requestId}::uuid FOR UPDATE`;
    if (!request) throw requestNotFound();
    if (request.status === "accepted" && request.mechanic_id === mechanic.id) {
      // The winner clicking again (a second tab, a double click) is not "another mechanic".
      throw appError("REQUEST_ALREADY_ACCEPTED", "You already accepted this request — it's yours.");
    }
    if (!isOpen(request.status)) throw notOpen(request.status);
    await tx.sessionRequest.update({
      where: { id: requestId },
      data: { status: "accepted", mechanicId: mechanic.id, acceptedAt: at },
    });
    await tx.serviceSession.update({
      where: { id: request.session_id },
      data: { mechanicId: mechanic.id, joinBy: new Date(at.getTime() + options.joinWithinMs) },
    });
    await publishRequestChange(tx, events, {
      requestId,
      sessionId: request.session_id,
      status: "accepted",
      mechanicName: mechanic.displayName,
      at,
    });
    await publishServiceSessionChange(tx, events, {
      sessionId: request.session_id,
      reason: "accepted",
      status: "waiting",
      at,
      userIds: [request.customer_id, mechanic.userId],
    });
    return { requestId, sessionId: request.session_id, status: "accepted" as const };
  });
}

export async function cancelRequest(db: Database, events: AppEventBus, customerId: string, requestId: string) {
  return db.$transaction(async (tx) => {
    const at = new Date();
    const [request] = await tx.$queryRaw<{ status: SessionRequestStatus; session_id: string }[]>`
      SELECT status, session_id::text FROM session_requests
       WHERE id = ${requestId}::uuid AND customer_id = ${customerId}::uuid FOR UPDATE`;
    if (!request) throw requestNotFound();
    if (request.status === "cancelled") throw appError("REQUEST_NOT_PENDING", "This request was already cancelled.");
    if (request.status === "accepted") {
      throw appError("REQUEST_NOT_PENDING", "A mechanic already accepted this request, so it can't be cancelled.");
    }
    if (!isOpen(request.status)) throw notOpen(request.status);
    await tx.sessionRequest.update({ where: { id: requestId }, data: { status: "cancelled", cancelledAt: at } });
    await closeOpenRequest(
      tx,
      events,
      { id: requestId, session_id: request.session_id, customer_id: customerId, was: request.status },
      "cancelled",
      at,
    );
    return { requestId, status: "cancelled" as const };
  });
}

/** An open request as the statements that close it claim it (`was`: its status before). */
export interface ClosingRequest {
  id: string;
  session_id: string;
  customer_id: string;
  was: OpenStatus;
}

/**
 * After an open request was cancelled or expired: its session ends, and everyone is told. An
 * unattended request's session had a mechanic once and its customer may be on its page, so
 * that session's own followers hear it ended too (its released mechanic already left it).
 */
export async function closeOpenRequest(
  tx: Transaction,
  events: AppEventBus,
  closed: ClosingRequest,
  status: "cancelled" | "expired",
  at: Date,
) {
  await tx.serviceSession.update({ where: { id: closed.session_id }, data: { status: "cancelled", endedAt: at } });
  await publishRequestChange(tx, events, {
    requestId: closed.id,
    sessionId: closed.session_id,
    status,
    mechanicName: null,
    at,
  });
  if (closed.was === "unattended") {
    await publishServiceSessionChange(tx, events, {
      sessionId: closed.session_id,
      reason: "cancelled",
      status: "cancelled",
      at,
      userIds: [closed.customer_id],
    });
  }
}

/**
 * Expires open requests past the cutoff: pending ones by when they were made, unattended ones by
 * when they went back to the board. Safe with several server instances running it at once: rows
 * are claimed with FOR UPDATE SKIP LOCKED and only rows this transaction changed get an event,
 * so each expiry is published exactly once.
 */
export async function expireStaleRequests(
  db: Database,
  events: AppEventBus,
  options: { olderThanMs: number; batchSize?: number },
) {
  return db.$transaction(async (tx) => {
    const cutoff = new Date(Date.now() - options.olderThanMs);
    const expired = await tx.$queryRaw<ClosingRequest[]>`
      WITH due AS (
        SELECT id, status FROM session_requests
         WHERE (status = 'pending' AND created_at < ${cutoff})
            OR (status = 'unattended' AND unattended_at < ${cutoff})
         ORDER BY created_at LIMIT ${options.batchSize ?? 500}
         FOR UPDATE SKIP LOCKED)
      UPDATE session_requests r SET status = 'expired', expired_at = now(), updated_at = now()
        FROM due WHERE r.id = due.id AND r.status = due.status
      RETURNING r.id::text, r.session_id::text, r.customer_id::text, due.status::text AS was`;
    const at = new Date();
    for (const row of expired) await closeOpenRequest(tx, events, row, "expired", at);
    return expired.map((row) => row.id);
  });
}
