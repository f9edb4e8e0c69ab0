// The plans a business can sign up for: the one list the Stripe checkout charges from and the
// dashboard shows (through `onboarding.plans`), so a price can never differ between the two.
// Every plan is a one-time payment (Checkout in "payment" mode) and sets up the same things;
// plans differ only in price today.
import { z } from "../validation-messages.ts";

/** What every onboarding sets up once it is paid for (the pipeline's steps, in customers' words). */
const SET_UP_FOR_EVERY_PLAN = [
  "An organization with you as its owner",
  "A website assistant agent, ready to configure",
  "An API key for server-to-server calls",
] as const;

/** The plan's id, as the onboarding form sends it and organizations store it. */
export const planInput = z.enum(["starter", "growth", "enterprise"]);
export type PlanId = z.output<typeof planInput>;

/** In the order the dashboard offers them, cheapest first. */
const PLANS: Record<PlanId, { name: string; priceCents: number }> = {
  starter: { name: "Starter", priceCents: 4900 },
  growth: { name: "Growth", priceCents: 14900 },
  enterprise: { name: "Enterprise", priceCents: 49900 },
};

/** ISO 4217, lower case as Stripe takes it. */
export const PLAN_CURRENCY = "usd";

/** What Stripe charges for the plan, in cents. */
export const planPriceCents = (plan: PlanId): number => PLANS[plan].priceCents;

/** The plans as the dashboard shows them, cheapest first. */
export function listPlans() {
  return planInput.options.map((plan) => ({
    plan,
    name: PLANS[plan].name,
    priceCents: PLANS[plan].priceCents,
    currency: PLAN_CURRENCY,
    interval: "one_time" as const,
    includes: [...SET_UP_FOR_EVERY_PLAN],
  }));
}
