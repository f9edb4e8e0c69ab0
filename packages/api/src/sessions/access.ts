// Who may touch a service session: its two participants, the customer (service_sessions.customer_id)
// and the user of the mechanic who holds it (service_sessions.mechanic_id; a mechanic released by
// the join timeout no longer does). Everyone else is told the session does not exist, for every
// procedure and before any live event, so probing ids reveals nothing.
import {
  type Database,
  Prisma,
  type ServiceSessionStatus,
  type ServiceSessionType,
  type Transaction,
} from "@switchboard/db";
import { appError } from "../errors.ts";
import { z } from "../validation-messages.ts";

export type ViewerRole = "customer" | "mechanic";

/** The viewer's place in one session, as read when the call began. */
export interface Participation {
  sessionId: string;
  userId: string;
  role: ViewerRole;
  status: ServiceSessionStatus;
  type: ServiceSessionType;
  customerId: string;
  /** The session's mechanic: their mechanics row and user (null while nobody holds it). */
  mechanicId: string | null;
  mechanicUserId: string | null;
}

export const sessionNotFound = () => appError("NOT_FOUND", "We couldn't find that session.");

/** Statuses in which a session still takes messages, signals and a cancel. */
export const openSessionStatuses: ServiceSessionStatus[] = ["waiting", "active"];

export const sessionEnded = (message = "This session has ended; messages can no longer be sent.") =>
  appError("SESSION_ENDED", message);

/** The session's id in every input: anything else is refused before a query. */
export const sessionIdSchema = z.uuid({ error: "This session id is not valid." });

interface ParticipationRow {
  status: ServiceSessionStatus;
  type: ServiceSessionType;
  customer_id: string;
  mechanic_id: string | null;
  mechanic_user_id: string | null;
}

/**
 * The viewer's participation in the session, or NOT_FOUND when they are not one of its two
 * people. `lock`: the session row is locked (FOR UPDATE) for the rest of the caller's
 * transaction, so a lifecycle change decides on the row as no one else can change it.
 */
export async function participationOf(
  db: Database | Transaction,
  userId: string,
  sessionId: string,
  options: { lock?: boolean } = {},
): Promise<Participation> {
  const [row] = await db.$queryRaw<ParticipationRow[]>`
    SELECT s.status::text, s.type::text, s.customer_id::text, s.mechanic_id::text, m.user_id::text AS mechanic_user_id
      FROM service_sessions s LEFT JOIN mechanics m ON m.id = s.mechanic_id
     WHERE s.id = ${sessionId}::uuid AND (s.customer_id = ${userId}::uuid OR m.user_id = ${userId}::uuid)
     ${options.lock ? Prisma.sql`FOR UPDATE OF s` : Prisma.empty}`;
  if (!row) throw sessionNotFound();
  return {
    sessionId,
    userId,
    // A mechanic who is also this session's customer (one account, both roles) is its customer.
    role: row.customer_id === userId ? "customer" : "mechanic",
    status: row.status,
    type: row.type,
    customerId: row.customer_id,
    mechanicId: row.mechanic_id,
    mechanicUserId: row.mechanic_user_id,
  };
}

/** Whether the user is (still) one of the session's participants. */
export async function isParticipant(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const visible = await db.serviceSession.count({
    where: { id: sessionId, OR: [{ customerId: userId }, { mechanic: { userId } }] },
  });
  return visible > 0;
}

/** The two people whose sessions lists a change of this session touches (user ids). */
export const participantUserIds = (participation: Participation) =>
  [participation.customerId, participation.mechanicUserId].filter((id): id is string => id !== null);
