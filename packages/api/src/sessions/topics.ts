// The service sessions' live events (stored in the outbox, resumable like every topic).
// Written by sessions/ (messages, read receipts, join, wrap-up, rating, cancel) and, by name,
// by requests/ (a mechanic accepted the request, or was released for not joining in time):
// the two products meet here and on the service_sessions table, never by importing each other.
import { z } from "zod";

const role = z.enum(["customer", "mechanic"]);
const sessionStatus = z.enum(["waiting", "active", "completed", "cancelled"]);

/** One chat message as both participants see it; `position` orders a session's messages. */
const sessionMessage = z.object({
  messageId: z.uuid(),
  /** service_messages.position (a BIGSERIAL; safe as a number far beyond any real volume). */
  position: z.number().int().positive(),
  authorRole: role,
  body: z.string(),
  /** The sender's own key for this message: their page matches its pending bubble with it. */
  clientKey: z.string(),
  createdAt: z.iso.datetime(),
});

/** Why a session changed: each is a transition of its lifecycle, or who is in it. */
const changeReason = z.enum(["accepted", "joined", "released", "completed", "cancelled", "rated"]);

export const sessionTopics = {
  /** One session's live events (scope: the session id); only its two participants follow them. */
  "sessions.events": z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("message"), message: sessionMessage }),
    /** `role` has read every message up to `through` (a position); only ever moves forward. */
    z.object({ kind: z.literal("read"), role, through: z.number().int().nonnegative() }),
    /** The session's status or people changed: the page reads it again (sessions.get). */
    z.object({ kind: z.literal("changed"), reason: changeReason, status: sessionStatus, at: z.iso.datetime() }),
  ]),
  /** A person's sessions list changed (scope: their user id, customer or mechanic). */
  "sessions.mine": z.object({ sessionId: z.uuid(), reason: changeReason, at: z.iso.datetime() }),
};
