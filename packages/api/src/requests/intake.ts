// Customer intake: one transaction creates the intake, its service session and the board
// request, cancels the customer's older unassigned pending requests, and publishes the
// events. Any failure rolls everything back: never a session without a request.
import type { Database, Transaction } from "@switchboard/db";
import { appError, isUniqueViolation } from "../errors.ts";
import { multilineText, text } from "../input-types.ts";
import type { AppEventBus } from "../live-events.ts";
import { z } from "../validation-messages.ts";
import { publishCustomerRequest, publishRequestChange } from "./request-events.ts";
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
});

export type IntakeInput = z.infer<typeof intakeInput>;

interface Customer {
  id: string;
  name: string;
}

/** Cancels the customer's still-pending, unassigned requests (a new intake replaces them). */
async function cancelOlderPending(
  tx: Transaction,
  events: AppEventBus,
  customerId: string,
  at: Date,
): Promise<string[]> {
  const older = await tx.sessionRequest.findMany({
    where: { customerId, status: "pending", mechanicId: null },
    select: { id: true, sessionId: true },
  });
  const replaced: string[] = [];
  for (const request of older) {
    const { count } = await tx.sessionRequest.updateMany({
      where: { id: request.id, status: "pending" },
      data: { status: "cancelled", cancelledAt: at },
    });
    if (count === 0) continue; // accepted or expired meanwhile
    await tx.serviceSession.update({ where: { id: request.sessionId }, data: { status: "cancelled", endedAt: at } });
    await publishRequestChange(tx, events, {
      requestId: request.id,
      sessionId: request.sessionId,
      status: "cancelled",
      mechanicName: null,
      at,
    });
    replaced.push(request.id);
  }
  return replaced;
}

async function createRequest(db: Database, events: AppEventBus, customer: Customer, input: IntakeInput) {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const replacedRequestIds = await cancelOlderPending(tx, events, customer.id, now);
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
        metadata: { sessionId: session.id, intakeId: intake.id, urgency: input.urgency },
      },
    });
    await events.publish(tx, "requests.board", BOARD_SCOPE, {
      kind: "created",
      card: {
        requestId: request.id,
        createdAt: request.createdAt.toISOString(),
        customerName: customer.name,
        vehicle: input.vehicle,
        concern: input.concern,
        urgency: input.urgency,
        sessionType: input.sessionType,
        plan: input.plan,
      },
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
      /** The customer's older pending requests this one replaced (cancelled in the same transaction). */
      replacedRequestIds,
    };
  });
}

export async function submitIntake(db: Database, events: AppEventBus, customer: Customer, input: IntakeInput) {
  try {
    return await createRequest(db, events, customer, input);
  } catch (error) {
    // Two intakes from one customer at once: the partial unique index lets one pending request
    // win; the other retries once, and then replaces it like any newer intake does.
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
