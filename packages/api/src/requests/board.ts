// The mechanics' board: open requests (pending, or back as unattended), most urgent first and
// then oldest first, paginated by a keyset cursor on (urgency, created_at, id) — served by the
// index session_requests(status, urgency DESC, created_at, id). Filters narrow it by urgency and
// session type, the two keys copied onto the request row for exactly this.
import type { Database, Prisma, Transaction, Urgency } from "@switchboard/db";
import { lastEventIdSchema } from "@switchboard/events";
import { appError } from "../errors.ts";
import { instant, opaqueToken } from "../input-types.ts";
import { z } from "../validation-messages.ts";

const urgencies = ["low", "normal", "high", "emergency"] as const satisfies readonly Urgency[];
/** The board's order: the enum's own order, reversed (emergency first). */
const mostUrgentFirst = [...urgencies].reverse();

const boardFilters = {
  urgency: z.array(z.enum(urgencies)).max(urgencies.length).optional(),
  sessionType: z
    .array(z.enum(["chat", "video"]))
    .max(2)
    .optional(),
};

// Not strict: tRPC's infinite-query hooks add `direction` to the input.
export const boardInput = z.object({
  cursor: opaqueToken({ max: 200 }).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
  ...boardFilters,
});

export const boardCountInput = z.strictObject(boardFilters);

export const boardSubscriptionInput = z.strictObject({ lastEventId: lastEventIdSchema });

type BoardFilters = z.infer<typeof boardCountInput>;

interface BoardCursor {
  urgency: Urgency;
  createdAt: Date;
  id: string;
}

function encodeCursor(cursor: BoardCursor): string {
  return Buffer.from(JSON.stringify({ u: cursor.urgency, t: cursor.createdAt.toISOString(), i: cursor.id })).toString(
    "base64url",
  );
}

function decodeCursor(text: string): BoardCursor {
  try {
    const parsed = z
      .object({ u: z.enum(urgencies), t: instant(), i: z.uuid() })
      .parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return { urgency: parsed.u, createdAt: parsed.t, id: parsed.i };
  } catch {
    throw appError("VALIDATION_FAILED", "This page link is no longer valid. Reload the board.");
  }
}

function boardWhere(filters: BoardFilters): Prisma.SessionRequestWhereInput {
  return {
    status: { in: ["pending", "unattended"] },
    ...(filters.urgency ? { urgency: { in: filters.urgency } } : {}),
    ...(filters.sessionType ? { sessionType: { in: filters.sessionType } } : {}),
  };
}

/** Rows after the cursor in board order (Prisma compares enums only by equality, so "less urgent" is a list). */
function afterCursor(cursor: BoardCursor): Prisma.SessionRequestWhereInput {
  const lessUrgent = mostUrgentFirst.slice(mostUrgentFirst.indexOf(cursor.urgency) + 1);
  return {
    OR: [
      { urgency: { in: lessUrgent } },
      { urgency: cursor.urgency, createdAt: { gt: cursor.createdAt } },
      { urgency: cursor.urgency, createdAt: cursor.createdAt, id: { gt: cursor.id } },
    ],
  };
}

const boardCardSelect = {
  id: true,
  status: true,
  urgency: true,
  createdAt: true,
  customer: { select: { name: true } },
  session: { select: { intake: true } },
} satisfies Prisma.SessionRequestSelect;

/** One card of the board: what `requests.board` lists and its `created` events carry. */
function boardCardOf(row: Prisma.SessionRequestGetPayload<{ select: typeof boardCardSelect }>) {
  const intake = row.session.intake;
  return {
    requestId: row.id,
    createdAt: row.createdAt,
    customerName: row.customer.name,
    vehicle: { make: intake.vehicleMake, model: intake.vehicleModel, year: intake.vehicleYear },
    concern: intake.concern,
    urgency: intake.urgency,
    sessionType: intake.sessionType,
    plan: intake.plan,
    unattended: row.status === "unattended",
  };
}

/** The request's board card, read inside the change's transaction that puts it on the board. */
export async function boardCardIn(tx: Transaction, requestId: string) {
  return boardCardOf(await tx.sessionRequest.findUniqueOrThrow({ where: { id: requestId }, select: boardCardSelect }));
}

export async function listBoard(db: Database, input: z.infer<typeof boardInput>) {
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const rows = await db.sessionRequest.findMany({
    where: { AND: [boardWhere(input), ...(cursor ? [afterCursor(cursor)] : [])] },
    orderBy: [{ urgency: "desc" }, { createdAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    select: boardCardSelect,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(boardCardOf),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}

/** How many requests the board shows with these filters (every page together). */
export function countBoard(db: Database, filters: BoardFilters) {
  return db.sessionRequest.count({ where: boardWhere(filters) });
}
