// Where an event sits in delivery order: (transaction id, outbox id). Ids from a sequence
// are not commit-ordered, but transaction ids read only below the oldest running transaction
// are (see outbox.ts), so this pair is a cursor that never skips a late commit.
import { z } from "zod";

export interface EventPosition {
  txId: bigint;
  id: bigint;
}

export const START_POSITION: EventPosition = { txId: 0n, id: 0n };

/** The id a client sees (tracked() id, lastEventId): "<txId>.<id>". */
export function formatEventId(position: EventPosition): string {
  return `${position.txId}.${position.id}`;
}

const eventIdPattern = /^(\d{1,19})\.(\d{1,19})$/;
/** Both parts are PostgreSQL bigints: a larger number would fail every query it reaches. */
const MAX_BIGINT = 2n ** 63n - 1n;

export function parseEventId(eventId: string): EventPosition | null {
  const match = eventId.match(eventIdPattern);
  if (!match) return null;
  const position = { txId: BigInt(match[1]!), id: BigInt(match[2]!) };
  return position.txId <= MAX_BIGINT && position.id <= MAX_BIGINT ? position : null;
}

const invalidEventId = "This event id is not valid; reconnect without it.";

/** Input schema for a subscription's lastEventId: a malformed or out-of-range one is a BAD_REQUEST. */
export const lastEventIdSchema = z
  .string()
  .refine((eventId) => parseEventId(eventId) !== null, { error: invalidEventId })
  .nullish();

export function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}
