// The requests product's live events. Payloads are JSON (stored in the outbox as jsonb).
import { z } from "zod";

const boardCard = z.object({
  requestId: z.uuid(),
  createdAt: z.iso.datetime(),
  customerName: z.string(),
  vehicle: z.object({ make: z.string(), model: z.string(), year: z.number().int() }),
  concern: z.string(),
  urgency: z.enum(["low", "normal", "high", "emergency"]),
  sessionType: z.enum(["chat", "video"]),
  plan: z.enum(["basic", "standard", "premium"]),
  /** Back on the board because the mechanic who accepted it did not join the session in time. */
  unattended: z.boolean(),
});

/** One line of a customer's recent requests (scope: the customer's user id). */
const customerRequest = z.object({
  requestId: z.uuid(),
  status: z.enum(["pending", "accepted", "cancelled", "expired", "unattended"]),
  createdAt: z.iso.datetime(),
  mechanicName: z.string().nullable(),
  vehicle: z.string(),
  /** Cancelled because the customer's newer request replaced it. */
  replaced: z.boolean(),
});

export const requestTopics = {
  /**
   * Every mechanic's board (scope "board"): a card appears (new, or back as unattended when its
   * mechanic did not join in time), or disappears for a reason.
   */
  "requests.board": z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("created"), card: boardCard }),
    z.object({ kind: z.enum(["accepted", "cancelled", "expired"]), requestId: z.uuid() }),
  ]),
  /** One request's status for its customer and mechanic (scope: the request id). */
  "requests.status": z.object({
    requestId: z.uuid(),
    status: z.enum(["pending", "accepted", "cancelled", "expired", "unattended"]),
    sessionId: z.uuid(),
    mechanicName: z.string().nullable(),
    at: z.iso.datetime(),
  }),
  /** A customer's request, created or changed: its line in their recent requests. */
  "requests.mine": z.object({ request: customerRequest }),
};

export const BOARD_SCOPE = "board";
