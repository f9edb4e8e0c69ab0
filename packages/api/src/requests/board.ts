// The mechanics' board: pending requests, newest first, paginated by a keyset cursor on
// (created_at, id) — served by the index session_requests(status, created_at DESC, id DESC).
import type { Database } from "@switchboard/db";
import { lastEventIdSchema } from "@switchboard/events";
import { appError } from "../errors.ts";
import { instant, opaqueToken } from "../input-types.ts";
import { z } from "../validation-messages.ts";

// Not strict: tRPC's infinite-query hooks add `direction` to the input.
export const boardInput = z.object({
  cursor: opaqueToken({ max: 200 }).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const boardSubscriptionInput = z.strictObject({ lastEventId: lastEventIdSchema });

interface BoardCursor {
  createdAt: Date;
  id: string;
}

function encodeCursor(cursor: BoardCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdAt.toISOString(), i: cursor.id })).toString("base64url");
}

function decodeCursor(text: string): BoardCursor {
  try {
    const parsed = z
      .object({ t: instant(), i: z.uuid() })
      .parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return { createdAt: parsed.t, id: parsed.i };
  } catch {
    throw appError("VALIDATION_FAILED", "This page link is no longer valid. Reload the board.");
  }
}

export async function listBoard(db: Database, input: z.infer<typeof boardInput>) {
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const rows = await db.sessionRequest.findMany({
    where: {
      status: "pending",
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: {
      id: true,
      createdAt: true,
      customer: { select: { name: true } },
      session: { select: { intake: true } },
    },
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => {
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
      };
    }),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}
