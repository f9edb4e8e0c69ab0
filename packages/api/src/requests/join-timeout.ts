// The join timeout: a mechanic who accepted a request but has not joined its session by the
// session's joinBy (SESSION_JOIN_MINUTES after accepting) is released, and the request goes back
// on the board as unattended, for any mechanic (the released one too) to accept again. Run every
// minute by the worker (jobs.ts); sessions/ moves a joined session to active, which takes it out
// of this sweep's reach, and both meet only on the service_sessions row.
import type { Database, Transaction } from "@switchboard/db";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishServiceSessionChange } from "../service-session-changes.ts";
import { boardCardIn } from "./board.ts";
import { publishRequestStatus } from "./request-events.ts";
import { openStatuses } from "./request-lifecycle.ts";
import { BOARD_SCOPE } from "./topics.ts";

interface Unjoined {
  session_id: string;
  request_id: string;
  customer_id: string;
  mechanic_user_id: string;
}

/**
 * Releases the row's mechanic. The request goes back on the board as unattended — unless the
 * customer made another request while this one waited for its mechanic: the database holds one
 * open request per customer, so then the newer one replaces this one (cancelled, pointing at
 * it, its session ended), as it would have had this one still been on the board.
 */
async function release(tx: Transaction, events: AppEventBus, row: Unjoined, now: Date, newerId: string | null) {
  const released = { mechanicId: null, acceptedAt: null };
  await tx.sessionRequest.update({
    where: { id: row.request_id },
    data: newerId
      ? { ...released, status: "cancelled", cancelledAt: now, replacedByRequestId: newerId }
      : { ...released, status: "unattended", unattendedAt: now },
  });
  await tx.serviceSession.update({
    where: { id: row.session_id },
    data: { mechanicId: null, joinBy: null, ...(newerId ? { status: "cancelled", endedAt: now } : {}) },
  });
  if (!newerId) {
    await events.publish(tx, "requests.board", BOARD_SCOPE, {
      kind: "created",
      card: eventFormOf(await boardCardIn(tx, row.request_id)),
    });
  }
  await publishRequestStatus(tx, events, {
    requestId: row.request_id,
    sessionId: row.session_id,
    status: newerId ? "cancelled" : "unattended",
    mechanicName: null,
    at: now,
  });
  await publishServiceSessionChange(tx, events, {
    sessionId: row.session_id,
    reason: "released",
    status: newerId ? "cancelled" : "waiting",
    at: now,
    userIds: [row.customer_id, row.mechanic_user_id],
  });
}

/**
 * Releases the mechanics of waiting sessions whose joinBy is before `now` (a batch per call);
 * returns the released requests' ids. Safe with several instances at once, and against a join
 * or an accept in flight: the session and its request are claimed with FOR UPDATE SKIP LOCKED,
 * so a row another transaction holds is left for the next run, and each release is published once.
 */
export async function releaseUnjoinedSessions(
  db: Database,
  events: AppEventBus,
  options: { now: Date; batchSize?: number },
): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const { now } = options;
    const due = await tx.$queryRaw<Unjoined[]>`
      SELECT s.id::text AS session_id, r.id::text AS request_id, s.customer_id::text AS customer_id,
             m.user_id::text AS mechanic_user_id
        FROM service_sessions s
        JOIN session_requests r ON r.session_id = s.id AND r.status = 'accepted'
        JOIN mechanics m ON m.id = s.mechanic_id
       WHERE s.status = 'waiting' AND s.join_by < ${now}
       ORDER BY s.join_by LIMIT ${options.batchSize ?? 500}
         FOR UPDATE OF s, r SKIP LOCKED`;
    for (const row of due) {
      const newer = await tx.sessionRequest.findFirst({
        where: { customerId: row.customer_id, status: { in: openStatuses } },
        select: { id: true },
      });
      await release(tx, events, row, now, newer?.id ?? null);
    }
    return due.map((row) => row.request_id);
  });
}
