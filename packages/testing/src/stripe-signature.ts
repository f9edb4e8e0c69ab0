// Webhook signatures exactly as Stripe makes them, for tests that post webhook deliveries.
import Stripe from "stripe";

export function signStripeWebhook(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}
