// The real Stripe SDK, configured once. Tests point it at a local fake that speaks Stripe's
// REST wire format by setting STRIPE_API_BASE; the code cannot tell the difference.
import Stripe from "stripe";

export interface StripeConfig {
  secretKey?: string | undefined;
  webhookSecret?: string | undefined;
  /** Base URL of the Stripe API (a local fake in tests), e.g. http://127.0.0.1:12111. */
  apiBase?: string | undefined;
}

export type StripeClient = Stripe;
export type StripeEvent = Stripe.Event;

/** null when no STRIPE_SECRET_KEY is set: the product runs in explicit "no payment provider" mode. */
export function createStripeClient(config: StripeConfig): Stripe | null {
  if (!config.secretKey) return null;
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 10_000 };
  if (config.apiBase) {
    const url = new URL(config.apiBase);
    options.host = url.hostname;
    options.port = url.port || (url.protocol === "https:" ? 443 : 80);
    options.protocol = url.protocol === "https:" ? "https" : "http";
  }
  return new Stripe(config.secretKey, options);
}

export class StripeSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StripeSignatureError";
  }
}

/**
 * Verifies a webhook delivery with Stripe's own signature check. Needs only the webhook
 * secret, not an API key, so it works in tests and in "no payment provider" mode alike.
 */
export function verifyStripeWebhook(
  rawBody: string | Buffer,
  signatureHeader: string | undefined,
  webhookSecret: string,
): StripeEvent {
  if (!signatureHeader) throw new StripeSignatureError("missing Stripe-Signature header");
  try {
    return Stripe.webhooks.constructEvent(rawBody, signatureHeader, webhookSecret);
  } catch (error) {
    throw new StripeSignatureError(error instanceof Error ? error.message : String(error));
  }
}
