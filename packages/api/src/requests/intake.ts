// Customer intake: one transaction creates the intake, its service session and the board
// request, replaces the customer's open request when they confirmed it (cancelled, pointing at
// the new one), and publishes the events. Any failure rolls everything back: never a session
// without a request, never an open request cancelled for a new one that was not made.
import type { Database, Transaction } from "@switchboard/db";
import { appError, isUniqueViolation } from "../errors.ts";
import { eventFormOf } from "../event-payload.ts";
import { multilineText, text } from "../input-types.ts";
import type { AppEventBus } from "../live-events.ts";
import { z } from "../validation-messages.ts";
import { boardCardIn } from "./board.ts";
import { publishCustomerRequest } from "./request-events.ts";
import { type ClosingRequest, closeOpenRequest } from "./request-lifecycle.ts";
import { BOARD_SCOPE } from "./topics.ts";

const newestModelYear = new Date().getFullYear() + 1;

export const intakeInput = z.strictObject({
  vehicle: z.strictObject({
    make: text({ max: 60, min: 1 }),
    model: text({ max: 60, min: 1 }),
    year: z
      .number()
      .int({ error: "Enter the year as a whole number." })
      .min(1950, { error: "We can help with vehicles from 1950 on." })
      .max(newestModelYear, { error: `Enter a year up to ${newestModelYear}.` }),
  }),
  concern: multilineText({
    max: 2000,
    min: 10,
    tooShort: "Describe the problem in at least 10 characters.",
    tooLong: "Keep the description under 2,000 characters.",
  }),
  urgency: z.enum(["low", "normal", "high", "emergency"]),
  sessionType: z.enum(["chat", "video"]),
  plan: z.enum(["basic", "standard", "premium"]),
  /** The customer confirmed that this request replaces their open one (else REQUEST_PENDING_EXISTS). */
  replacePending: z.boolean().default(false),
});

export type IntakeInput = z.infer<typeof intakeInput>;

interface Customer {
  id: string;
  name: string;
}

/**
 * The customer's open requests (pending, or back on the board as unattended), locked: a new
 * intake replaces them only when the customer said so, having been told one is waiting.
 */
async function lockOpenRequests(tx: Transaction, customerId: string) {
  return tx.$queryRaw<ClosingRequest[]>`
    SELECT id::text, session_id::text, customer_id::text, status::text AS was FROM session_requests
     WHERE customer_id = ${customerId}::uuid AND status IN ('pending', 'unattended') FOR UPDATE`;
}

async function createRequest(db: Database, events: AppEventBus, customer: Customer, input: IntakeInput) {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const open = await lockOpenRequests(tx, customer.id);
    if (open.length > 0 && !input.replacePending) {
      throw appError(
        "REQUEST_PENDING_EXISTS",
        "You already have a request waiting for a mechanic. Sending this one will replace it.",
      );
    }
    // Cancelled before the new request is inserted: the database allows one open request per customer.
    await tx.sessionRequest.updateMany({
      where: { id: { in: open.map((r) => r.id) } },
      data: { status: "cancelled", cancelledAt: now },
    });
    const intake = await tx.customerIntake.create({
      data: {
        customerId: customer.id,
        vehicleMake: input.vehicle.make,
        vehicleModel: input.vehicle.model,
        vehicleYear: input.vehicle.year,
        concern: input.concern,
        urgency: input.urgency,
        sessionType: input.sessionType,
        plan: input.plan,
      },
    });
    const session = await tx.serviceSession.create({
      data: { customerId: customer.id, intakeId: intake.id, type: input.sessionType },
    });
    const request = await tx.sessionRequest.create({
      data: {
        sessionId: session.id,
        customerId: customer.id,
        urgency: input.urgency,
        sessionType: input.sessionType,
        metadata: { sessionId: session.id, intakeId: intake.id, urgency: input.urgency },
      },
    });
    // Only now does the newer request exist for the replaced ones to point at.
    await tx.sessionRequest.updateMany({
      where: { id: { in: open.map((r) => r.id) } },
      data: { replacedByRequestId: request.id },
    });
    for (const old of open) await closeOpenRequest(tx, events, old, "cancelled", now);
    await events.publish(tx, "requests.board", BOARD_SCOPE, {
      kind: "created",
      card: eventFormOf(await boardCardIn(tx, request.id)),
    });
    await events.publish(tx, "requests.status", request.id, {
      requestId: request.id,
      status: "pending",
      sessionId: session.id,
      mechanicName: null,
      at: request.createdAt.toISOString(),
    });
    await publishCustomerRequest(tx, events, request.id);
    return {
      requestId: request.id,
      sessionId: session.id,
      intakeId: intake.id,
      status: request.status,
      /** The customer's open requests this one replaced (cancelled in the same transaction). */
      replacedRequestIds: open.map((r) => r.id),
    };
  });
}

export async function submitIntake(db: Database, events: AppEventBus, customer: Customer, input: IntakeInput) {
  try {
    return await createRequest(db, events, customer, input);
  } catch (error) {
    // Two intakes from one customer at once: the partial unique index lets one open request
    // win; the other retries once, and then replaces it (if confirmed) like any newer intake does,
    // or hears that one is waiting.
    if (!isUniqueViolation(error)) throw error;
  }
  try {
    return await createRequest(db, events, customer, input);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw appError("TRY_AGAIN", "Your request was sent twice at the same moment. Please try again.");
    }
    throw error;
  }
}
