// Accept (mechanic), cancel (customer) and expire (background job): each changes a request only
// while it is pending and under its row lock (accept: SELECT ... FOR UPDATE; cancel and expire:
// a conditional UPDATE), so exactly one of any number of concurrent attempts wins, and its
// events are published in the same transaction.
import type { Database, SessionRequestStatus } from "@switchboard/db";
import { appError } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishRequestChange } from "./request-events.ts";

const notPendingMessages: Record<Exclude<SessionRequestStatus, "pending">, ReturnType<typeof appError>> = {
  accepted: appError("REQUEST_ALREADY_ACCEPTED", "Another mechanic accepted this request."),
  cancelled: appError("REQUEST_NOT_PENDING", "The customer cancelled this request."),
  expired: appError("REQUEST_NOT_PENDING", "This request expired before anyone accepted it."),
  // Nothing sets it yet: the join timeout that returns a request to the board comes with the
  // service sessions (issue 16), and accepting it again with them.
  unattended: appError("REQUEST_NOT_PENDING", "This request is back on the board; reload the board to accept it."),
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
    // Lock first, then decide: FOR UPDATE waits for a concurrent accept's commit and then reads
    // the row as it left it, so a loser learns who won from this one statement and rolls back
    // (BEGIN, SELECT, ROLLBACK). An UPDATE guarded by status followed by a SELECT to explain a
    // miss cost each loser a fourth round trip on a pool connection, and in a 100-way race the
    // losers' round trips are what the others queue for (bench/requests.bench.ts).
    const [request] = await tx.$queryRaw<
      { status: SessionRequestStatus; session_id: string; mechanic_id: string | null }[]
    >`SELECT status, session_id::text, mechanic_id::text FROM session_requests WHERE id = ${requestId}::uuid FOR UPDATE`;
    if (!request) throw requestNotFound();
    if (request.status === "accepted" && request.mechanic_id === mechanic.id) {
      // The winner clicking again (a second tab, a double click) is not "another mechanic".
      throw appError("REQUEST_ALREADY_ACCEPTED", "You already accepted this request — it's yours.");
    }
    if (request.status !== "pending") throw notPending(request.status);
    await tx.sessionRequest.update({
      where: { id: requestId },
      data: { status: "accepted", mechanicId: mechanic.id, acceptedAt: at },
    });
    await tx.serviceSession.update({
      where: { id: request.session_id },
      data: { mechanicId: mechanic.id, status: "active", startedAt: at },
    });
    await publishRequestChange(tx, events, {
      requestId,
      sessionId: request.session_id,
      status: "accepted",
      mechanicName: mechanic.displayName,
      at,
    });
    return { requestId, sessionId: request.session_id, status: "accepted" as const };
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
