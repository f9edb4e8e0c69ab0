// What a customer (or the mechanic who accepted) sees of one request.
import type { Database, Prisma, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";

interface Viewer {
  userId: string;
  mechanicId: string | null;
}

/** Who may see a request: its customer, or the mechanic who accepted it (not one since released). */
const visibleTo = (viewer: Viewer, requestId: string) => ({
  id: requestId,
  OR: [{ customerId: viewer.userId }, ...(viewer.mechanicId ? [{ mechanicId: viewer.mechanicId }] : [])],
});

export async function viewerOf(db: Database, user: { id: string }): Promise<Viewer> {
  const mechanic = await db.mechanic.findUnique({ where: { userId: user.id }, select: { id: true } });
  return { userId: user.id, mechanicId: mechanic?.id ?? null };
}

/** Before any live event of a request is sent: refuse anyone who may not see it. */
export async function assertMayFollowRequest(db: Database, viewer: Viewer, requestId: string): Promise<void> {
  const visible = await db.sessionRequest.count({ where: visibleTo(viewer, requestId) });
  if (!visible) throw appError("FORBIDDEN_RESOURCE", "You can't follow this request.");
}

/** A request its viewer may see: the customer's own, or one the viewing mechanic accepted. */
export async function findVisibleRequest(db: Database, viewer: Viewer, requestId: string) {
  const request = await db.sessionRequest.findFirst({
    where: visibleTo(viewer, requestId),
    select: {
      id: true,
      customerId: true,
      customer: { select: { name: true } },
      status: true,
      createdAt: true,
      acceptedAt: true,
      unattendedAt: true,
      replacedByRequestId: true,
      sessionId: true,
      mechanic: { select: { displayName: true } },
      session: { select: { intake: true, status: true, joinBy: true } },
    },
  });
  if (!request) throw appError("NOT_FOUND", "We couldn't find that request.");
  const intake = request.session.intake;
  return {
    requestId: request.id,
    /** Whether the viewer is this request's customer or the mechanic who accepted it. */
    viewerRole: request.customerId === viewer.userId ? ("customer" as const) : ("mechanic" as const),
    customerName: request.customer.name,
    status: request.status,
    sessionId: request.sessionId,
    sessionStatus: request.session.status,
    /** While accepted and not yet joined: when the mechanic's time to join runs out. */
    joinBy: request.session.joinBy,
    createdAt: request.createdAt,
    acceptedAt: request.acceptedAt,
    /** When it last went back to the board because its mechanic did not join in time. */
    unattendedAt: request.unattendedAt,
    /** The customer's newer request that replaced this one (then cancelled). */
    replacedByRequestId: request.replacedByRequestId,
    mechanicName: request.mechanic?.displayName ?? null,
    vehicle: { make: intake.vehicleMake, model: intake.vehicleModel, year: intake.vehicleYear },
    concern: intake.concern,
    urgency: intake.urgency,
    sessionType: intake.sessionType,
    plan: intake.plan,
  };
}

const customerRequestSelect = {
  id: true,
  customerId: true,
  status: true,
  createdAt: true,
  replacedByRequestId: true,
  mechanic: { select: { displayName: true } },
  session: { select: { intake: true } },
} satisfies Prisma.SessionRequestSelect;

/** One line of the customer's recent requests: what `requests.mine` lists and `requests.mine` events carry. */
function customerRequestOf(row: Prisma.SessionRequestGetPayload<{ select: typeof customerRequestSelect }>) {
  return {
    requestId: row.id,
    status: row.status,
    createdAt: row.createdAt,
    mechanicName: row.mechanic?.displayName ?? null,
    vehicle: `${row.session.intake.vehicleYear} ${row.session.intake.vehicleMake} ${row.session.intake.vehicleModel}`,
    replaced: row.replacedByRequestId !== null,
  };
}

export async function listCustomerRequests(db: Database, customerId: string) {
  const rows = await db.sessionRequest.findMany({
    where: { customerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: customerRequestSelect,
  });
  return rows.map(customerRequestOf);
}

/** The request's line as its customer lists it, read inside the change's transaction. */
export async function customerRequestIn(tx: Transaction, requestId: string) {
  const row = await tx.sessionRequest.findUniqueOrThrow({ where: { id: requestId }, select: customerRequestSelect });
  return { customerId: row.customerId, request: customerRequestOf(row) };
}
