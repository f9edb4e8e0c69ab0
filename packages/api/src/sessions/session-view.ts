// What a participant sees of one session (its page) and of all of theirs (their sessions list).
import type { Database, ServiceSessionStatus, ServiceSessionType } from "@switchboard/db";
import type { ServiceSessionSettings } from "../service-session-settings.ts";
import { type Participation, sessionNotFound } from "./access.ts";

const sessionSelect = {
  type: true,
  status: true,
  createdAt: true,
  joinBy: true,
  startedAt: true,
  endedAt: true,
  diagnosis: true,
  nextSteps: true,
  estimateCents: true,
  rating: true,
  ratingComment: true,
  ratedAt: true,
  customerReadThrough: true,
  mechanicReadThrough: true,
  customer: { select: { name: true } },
  mechanic: { select: { displayName: true } },
  intake: { select: { vehicleMake: true, vehicleModel: true, vehicleYear: true, concern: true, urgency: true } },
  request: { select: { id: true } },
} as const;

/** The session page: who, what about, where it stands, its wrap-up and rating once given. */
export async function sessionView(db: Database, viewer: Participation, settings: ServiceSessionSettings) {
  const session = await db.serviceSession.findUnique({ where: { id: viewer.sessionId }, select: sessionSelect });
  if (!session) throw sessionNotFound();
  const { intake } = session;
  return {
    sessionId: viewer.sessionId,
    requestId: session.request?.id ?? null,
    type: session.type,
    status: session.status,
    viewerRole: viewer.role,
    customerName: session.customer.name,
    mechanicName: session.mechanic?.displayName ?? null,
    vehicle: { make: intake.vehicleMake, model: intake.vehicleModel, year: intake.vehicleYear },
    concern: intake.concern,
    urgency: intake.urgency,
    createdAt: session.createdAt,
    /** While waiting for its mechanic: when their time to join runs out. */
    joinBy: session.status === "waiting" ? session.joinBy : null,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    wrapUp:
      session.status === "completed"
        ? {
            diagnosis: session.diagnosis ?? "",
            nextSteps: session.nextSteps ?? "",
            estimateCents: session.estimateCents,
          }
        : null,
    rating:
      session.rating !== null && session.ratedAt !== null
        ? { rating: session.rating, comment: session.ratingComment, ratedAt: session.ratedAt }
        : null,
    /** Read receipts: the position of the newest message each side has read. */
    readThrough: { customer: Number(session.customerReadThrough), mechanic: Number(session.mechanicReadThrough) },
    /** For the video call's RTCPeerConnection (none for a chat). */
    iceServers: session.type === "video" ? settings.iceServers : [],
  };
}

interface MineRow {
  session_id: string;
  request_id: string | null;
  type: ServiceSessionType;
  status: ServiceSessionStatus;
  other_name: string | null;
  vehicle: string;
  concern: string;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  rating: number | null;
}

/** The newest sessions a list shows. */
const MINE_LIMIT = 50;

/**
 * The caller's sessions, as customer or as mechanic: waiting and active first, then completed
 * and cancelled, newest first. A customer's request still looking for its first mechanic has a
 * session row too; it is not a session to them until someone accepted it (or it went back to
 * the board, unattended, after someone had).
 */
export async function listMySessions(db: Database, userId: string) {
  const rows = await db.$queryRaw<MineRow[]>`
    SELECT s.id::text AS session_id, r.id::text AS request_id, s.type::text, s.status::text,
           CASE WHEN s.customer_id = ${userId}::uuid THEN m.display_name ELSE u.name END AS other_name,
           i.vehicle_year || ' ' || i.vehicle_make || ' ' || i.vehicle_model AS vehicle, i.concern,
           s.created_at, s.started_at, s.ended_at, s.rating
      FROM service_sessions s
      JOIN customer_intakes i ON i.id = s.intake_id
      JOIN users u ON u.id = s.customer_id
      LEFT JOIN mechanics m ON m.id = s.mechanic_id
      LEFT JOIN session_requests r ON r.session_id = s.id
     WHERE (s.customer_id = ${userId}::uuid OR m.user_id = ${userId}::uuid)
       AND (s.mechanic_id IS NOT NULL OR s.started_at IS NOT NULL OR r.status = 'unattended')
     ORDER BY s.status IN ('waiting', 'active') DESC, s.created_at DESC, s.id DESC
     LIMIT ${MINE_LIMIT}`;
  return rows.map((row) => ({
    sessionId: row.session_id,
    requestId: row.request_id,
    type: row.type,
    status: row.status,
    /** The other participant: the mechanic's display name for a customer (null while none), the customer's name for a mechanic. */
    otherName: row.other_name,
    vehicle: row.vehicle,
    concern: row.concern,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    rating: row.rating,
  }));
}
