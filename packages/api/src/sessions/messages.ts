// A session's chat: sending (idempotent per sender and client key), the history (oldest first,
// paged backwards by position) and read receipts. Each message is one row and one
// `sessions.events` event written in the same transaction, so a participant who resumes from
// their lastEventId sees every message exactly once, in order.
import { type Database, Prisma, type Transaction } from "@switchboard/db";
import { eventFormOf } from "../event-payload.ts";
import { multilineText } from "../input-types.ts";
import type { AppEventBus } from "../live-events.ts";
import type { Throttle } from "../throttle.ts";
import { z } from "../validation-messages.ts";
import { type Participation, sessionEnded, sessionIdSchema, type ViewerRole } from "./access.ts";

export const sendInput = z.strictObject({
  sessionId: sessionIdSchema,
  /** Made by the sender's page for this message: a retry with the same key returns the same message. */
  clientKey: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, { error: "This message key may hold only letters, digits, - and _." }),
  body: multilineText({
    max: 4000,
    min: 1,
    tooShort: "Write a message first.",
    tooLong: "Keep a message under 4,000 characters.",
  }),
});

export const messagesInput = z.strictObject({
  sessionId: sessionIdSchema,
  /** Only messages before this position (the oldest one the page has): the next page back. */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

export const markReadInput = z.strictObject({
  sessionId: sessionIdSchema,
  /** The position of the newest message the viewer has seen. */
  through: z.number().int().nonnegative(),
});

interface MessageRow {
  id: string;
  position: bigint;
  author_id: string;
  body: string;
  client_key: string;
  created_at: Date;
}

/** One chat message as both participants see it (its event form is the `message` event's). */
function messageOf(row: MessageRow, customerId: string) {
  return {
    messageId: row.id,
    position: Number(row.position),
    authorRole: (row.author_id === customerId ? "customer" : "mechanic") as ViewerRole,
    body: row.body,
    clientKey: row.client_key,
    createdAt: row.created_at,
  };
}

const messageColumns = Prisma.sql`id::text, position, author_id::text, body, client_key, created_at`;

/**
 * Writes the message unless this sender already sent one with this key; one statement, so
 * concurrent retries meet on the unique index: one row, one event, the rest get that row back.
 * The session row is share-locked while the message is written, so a session that ends (an
 * update of that row) waits for messages in flight, and none is written after it ended.
 */
export async function sendMessage(
  deps: { db: Database; events: AppEventBus; throttle: Throttle | null },
  viewer: Participation,
  input: z.infer<typeof sendInput>,
) {
  await deps.throttle?.consume("sessionMessagesParticipant", `session:${viewer.sessionId}|user:${viewer.userId}`);
  return deps.db.$transaction(async (tx) => {
    const [inserted] = await tx.$queryRaw<MessageRow[]>`
      INSERT INTO service_messages (session_id, author_id, body, client_key)
      SELECT s.id, ${viewer.userId}::uuid, ${input.body}, ${input.clientKey}
        FROM service_sessions s
       WHERE s.id = ${viewer.sessionId}::uuid AND s.status IN ('waiting', 'active')
         FOR SHARE
      ON CONFLICT (session_id, author_id, client_key) DO NOTHING
      RETURNING ${messageColumns}`;
    if (inserted) {
      const message = messageOf(inserted, viewer.customerId);
      await deps.events.publish(tx, "sessions.events", viewer.sessionId, {
        kind: "message",
        message: eventFormOf(message),
      });
      return { message, duplicate: false };
    }
    const stored = await storedMessage(tx, viewer, input.clientKey);
    if (!stored) throw sessionEnded();
    return { message: stored, duplicate: true };
  });
}

/** The message this sender already sent with this key (a retry), if any. */
async function storedMessage(tx: Transaction, viewer: Participation, clientKey: string) {
  const [row] = await tx.$queryRaw<MessageRow[]>`
    SELECT ${messageColumns} FROM service_messages
     WHERE session_id = ${viewer.sessionId}::uuid AND author_id = ${viewer.userId}::uuid AND client_key = ${clientKey}`;
  return row ? messageOf(row, viewer.customerId) : null;
}

/** A page of the history, oldest first: the newest `limit` before `before` (or the newest of all). */
export async function listMessages(db: Database, viewer: Participation, input: z.infer<typeof messagesInput>) {
  const rows = await db.$queryRaw<MessageRow[]>`
    SELECT ${messageColumns} FROM service_messages
     WHERE session_id = ${viewer.sessionId}::uuid
       ${input.before === undefined ? Prisma.empty : Prisma.sql`AND position < ${input.before}`}
     ORDER BY position DESC LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit).reverse();
  return { messages: page.map((row) => messageOf(row, viewer.customerId)), hasOlder: rows.length > input.limit };
}

const readColumn = { customer: Prisma.raw("customer_read_through"), mechanic: Prisma.raw("mechanic_read_through") };

/**
 * The viewer has read every message through `through` (no further than the session's newest):
 * the receipt only moves forward, and the other side hears of it when it moved.
 */
export async function markRead(db: Database, events: AppEventBus, viewer: Participation, through: number) {
  const column = readColumn[viewer.role];
  return db.$transaction(async (tx) => {
    const [moved] = await tx.$queryRaw<{ through: bigint }[]>`
      WITH newest AS (
        SELECT LEAST(${through}::bigint, COALESCE(MAX(position), 0)) AS through
          FROM service_messages WHERE session_id = ${viewer.sessionId}::uuid)
      UPDATE service_sessions s SET ${column} = newest.through FROM newest
       WHERE s.id = ${viewer.sessionId}::uuid AND s.${column} < newest.through
      RETURNING s.${column} AS through`;
    if (moved) {
      await events.publish(tx, "sessions.events", viewer.sessionId, {
        kind: "read",
        role: viewer.role,
        through: Number(moved.through),
      });
      return { through: Number(moved.through) };
    }
    const [current] = await tx.$queryRaw<{ through: bigint }[]>`
      SELECT ${column} AS through FROM service_sessions WHERE id = ${viewer.sessionId}::uuid`;
    return { through: Number(current?.through ?? 0) };
  });
}
