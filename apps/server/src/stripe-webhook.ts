// POST /webhooks/stripe: signature-verified with Stripe's SDK and idempotent on the event id
// (stripe_webhook_events). The event is recorded and acted on in one transaction, so a replayed
// or concurrent delivery of the same event changes nothing.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AppEventBus, applyCheckoutCompleted } from "@switchboard/api";
import type { Database } from "@switchboard/db";
import { StripeSignatureError, verifyStripeWebhook } from "@switchboard/integrations";
import { z } from "zod";
import type { Logger } from "./logger.ts";

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// A correctly signed event is still only text: check the parts we store and act on, so a
// malformed one (a JSON array, no id, no data.object) is refused with 400, not a 500 that Stripe
// would retry forever.
const stripeEventShape = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
const checkoutShape = z.object({ id: z.string().min(1).max(255), payment_status: z.string().nullish() });

/**
 * PostgreSQL's jsonb cannot hold a NUL (\u0000) or a lone surrogate, which JSON.stringify
 * writes as a \uXXXX escape: an odd run of backslashes, then the escape, is one of those.
 */
const unstorableJsonEscape = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function createStripeWebhookHandler(deps: {
  db: Database;
  events: AppEventBus;
  webhookSecret: string | undefined;
}) {
  return async function handleStripeWebhook(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
    if (req.method !== "POST") return reply(res, 405, { error: "Use POST." });
    if (!deps.webhookSecret) {
      return reply(res, 503, { error: "Payments are not configured on this server (no STRIPE_WEBHOOK_SECRET)." });
    }
    const body = await readBody(req);
    if (!body) return reply(res, 413, { error: "Payload too large." });
    let event: ReturnType<typeof verifyStripeWebhook>;
    try {
      event = verifyStripeWebhook(body, req.headers["stripe-signature"] as string | undefined, deps.webhookSecret);
    } catch (error) {
      if (error instanceof StripeSignatureError) {
        log.warn({ reason: error.message }, "stripe webhook rejected: bad signature");
        return reply(res, 400, { error: "Invalid Stripe signature." });
      }
      throw error;
    }
    const shape = stripeEventShape.safeParse(event);
    const checkout =
      shape.success && shape.data.type === "checkout.session.completed"
        ? checkoutShape.safeParse(shape.data.data.object)
        : null;
    const payload = JSON.stringify(event);
    if (!shape.success || checkout?.success === false || unstorableJsonEscape.test(payload)) {
      log.warn(
        {
          stripeEventId: shape.success ? shape.data.id : undefined,
          issues: (shape.error ?? checkout?.error)?.issues.map((issue) => `${issue.path.join(".")}: ${issue.code}`),
        },
        "stripe webhook rejected: a signed event that is not a well-formed Stripe event",
      );
      return reply(res, 400, { error: "This is not a well-formed Stripe event." });
    }
    const outcome = await deps.db.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO stripe_webhook_events (id, type, payload) VALUES (${event.id}, ${event.type}, ${payload}::jsonb)
        ON CONFLICT (id) DO NOTHING`;
      if (inserted === 0) return { duplicate: true, onboardingSessionId: null };
      const applied =
        event.type === "checkout.session.completed"
          ? await applyCheckoutCompleted(tx, deps.events, event.data.object)
          : null;
      await tx.stripeWebhookEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
      return { duplicate: false, onboardingSessionId: applied?.sessionId ?? null };
    });
    const { duplicate } = outcome;
    log.info({ stripeEventId: event.id, type: event.type, ...outcome }, "stripe webhook received");
    return reply(res, 200, { received: true, duplicate });
  };
}
