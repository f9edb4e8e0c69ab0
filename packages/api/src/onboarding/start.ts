// Starting an onboarding: the business's details are stored with the session and its step
// rows; with Stripe configured a Checkout Session is created first (idempotent on the new
// session's id) and its URL returned. If Stripe fails nothing is written.
import { randomUUID } from "node:crypto";
import type { Database } from "@switchboard/db";
import { appError } from "../errors.ts";
import { storableText, text } from "../input-types.ts";
import type { AppEventBus } from "../live-events.ts";
import { z } from "../validation-messages.ts";
import { classifyFailure } from "./failures.ts";
import { STEP_ORDER } from "./pipeline.ts";
import { publishProgress } from "./progress.ts";
import type { OnboardingRuntime } from "./runtime.ts";

const PLAN_PRICES_CENTS = { starter: 4900, growth: 14900, enterprise: 49900 } as const;

export const onboardingInput = z.strictObject({
  businessName: text({ max: 120, min: 2, tooShort: "Enter your business name." }),
  industry: text({ max: 80, min: 2, tooShort: "Enter your industry." }),
  email: z.email({ error: "Enter a valid email address." }).max(254),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{7,25}$/, { error: "Enter a phone number with 7 to 20 digits." }),
  website: z
    .url({ protocol: /^https?$/, error: "Enter a website address starting with http:// or https://." })
    .check(storableText())
    .max(300)
    .nullish()
    .transform((value) => value ?? null),
  plan: z.enum(["starter", "growth", "enterprise"]),
});

export type OnboardingRequest = z.output<typeof onboardingInput>;

export async function startOnboarding(
  deps: {
    db: Database;
    events: AppEventBus;
    runtime: OnboardingRuntime;
    log: { error: (o: object, m: string) => void };
  },
  user: { id: string },
  request: OnboardingRequest,
) {
  const { db, events, runtime } = deps;
  const sessionId = randomUUID();
  let checkout: { id: string; url: string | null } | null = null;
  if (runtime.stripe) {
    try {
      const created = await runtime.stripe.checkout.sessions.create(
        {
          mode: "payment",
          client_reference_id: sessionId,
          customer_email: request.email,
          metadata: { onboardingSessionId: sessionId, plan: request.plan },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: "usd",
                unit_amount: PLAN_PRICES_CENTS[request.plan],
                product_data: { name: `Switchboard ${request.plan} plan` },
              },
            },
          ],
          success_url: `${runtime.publicUrl}/onboarding/${sessionId}?paid=1`,
          cancel_url: `${runtime.publicUrl}/onboarding/${sessionId}?cancelled=1`,
        },
        { idempotencyKey: `onboarding-checkout-${sessionId}` },
      );
      checkout = { id: created.id, url: created.url };
    } catch (error) {
      const failure = classifyFailure(error);
      const reference = randomUUID().slice(0, 8);
      deps.log.error({ err: error, failure, reference }, "creating the Stripe checkout failed");
      throw appError("PAYMENT_UNAVAILABLE", `${failure.message} ${failure.action} (reference ${reference})`);
    }
  }
  await db.$transaction(async (tx) => {
    await tx.onboardingSession.create({
      data: {
        id: sessionId,
        userId: user.id,
        requestData: request,
        paymentStatus: runtime.stripe ? "unpaid" : "no_provider",
        stripeCheckoutSessionId: checkout?.id ?? null,
        stepData: { checkoutUrl: checkout?.url ?? null },
        steps: { create: STEP_ORDER.map((name, index) => ({ name, position: index + 1 })) },
      },
    });
    await publishProgress(tx, events, sessionId);
  });
  return {
    sessionId,
    checkoutUrl: checkout?.url ?? null,
    paymentMode: runtime.stripe ? ("stripe" as const) : ("no_payment_provider" as const),
  };
}
