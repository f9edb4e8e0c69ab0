// Stripe's checkout.session.completed, applied in the same transaction that records the
// webhook event (so a replayed delivery changes nothing): the session is marked paid.
import type { Transaction } from "@switchboard/db";
import type { AppEventBus } from "../live-events.ts";
import { publishProgress } from "./progress.ts";

export async function applyCheckoutCompleted(
  tx: Transaction,
  events: AppEventBus,
  checkout: { id: string; payment_status?: string | null },
): Promise<{ sessionId: string } | null> {
  if (checkout.payment_status !== "paid") return null;
  const session = await tx.onboardingSession.findUnique({ where: { stripeCheckoutSessionId: checkout.id } });
  if (!session) return null;
  if (session.paymentStatus !== "paid") {
    await tx.onboardingSession.update({ where: { id: session.id }, data: { paymentStatus: "paid" } });
    await publishProgress(tx, events, session.id);
  }
  return { sessionId: session.id };
}
