// How the onboarding product's values read to people, in one place for every page.
import type { RouterInputs, RouterOutputs } from "@switchboard/api";
import { idFromPath, itemPath } from "../routing/item-paths.ts";

export { formatTime } from "../pages/format-time.ts";

export type Plan = RouterInputs["onboarding"]["start"]["plan"];
export type OnboardingView = RouterOutputs["onboarding"]["get"];
export type OnboardingStatus = OnboardingView["status"];
export type PaymentStatus = OnboardingView["paymentStatus"];
export type SetupStep = OnboardingView["steps"][number];
export type StepName = SetupStep["name"];
export type StepStatus = SetupStep["status"];

/** The server's PLAN_PRICES_CENTS (packages/api/src/onboarding/start.ts): what Stripe charges. */
const planPricesCents: Record<Plan, number> = { starter: 4900, growth: 14900, enterprise: 49900 };

const planLabels: Record<Plan, string> = {
  starter: "Starter",
  growth: "Growth",
  enterprise: "Enterprise",
};

const priceFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 0,
  maximumFractionDigits: 2,
});

function planPrice(plan: Plan): string {
  return priceFormat.format(planPricesCents[plan] / 100);
}

export const planOptions = (Object.keys(planLabels) as Plan[]).map((plan) => ({
  value: plan,
  label: planLabels[plan],
  description: planPrice(plan),
}));

export const stepLabels: Record<StepName, string> = {
  verify_payment: "Verify payment",
  create_organization: "Create organization",
  setup_workspace: "Set up workspace",
  generate_api_key: "Generate API key",
  research: "Research",
  finalize: "Finalize",
};

export const stepStatusLabels: Record<StepStatus, string> = {
  pending: "Waiting",
  running: "In progress…",
  completed: "Done",
  skipped: "Skipped",
  failed: "Failed",
};

/** A shape as well as a word, so the state never rests on colour alone. */
export const stepStatusIcons: Record<StepStatus, string> = {
  pending: "○",
  running: "◔",
  completed: "✓",
  skipped: "↷",
  failed: "✕",
};

export const paymentLabels: Record<PaymentStatus, string> = {
  unpaid: "Not paid yet",
  paid: "Paid",
  no_provider: "No payment provider configured",
};

export const noPaymentProviderNotice = "No payment provider is configured on this server — no payment will be taken.";

/** One line about where an onboarding stands, for the list of a person's onboardings. */
export const onboardingStatusSummaries: Record<OnboardingStatus, string> = {
  pending: "Not started yet",
  in_progress: "Setting up…",
  completed: "Ready",
  failed: "Stopped with a problem",
};

const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** A time of day to the second: the stages of one setup are seconds apart. */
export function formatClock(iso: string): string {
  return clockFormat.format(new Date(iso));
}

/** "under 0.1 s", "0.4 s", "12 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 50) return "under 0.1 s";
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** How long a stage took, once it has both ends. */
export function stepDurationMs(step: SetupStep): number | null {
  if (!step.startedAt || !step.completedAt) return null;
  return new Date(step.completedAt).getTime() - new Date(step.startedAt).getTime();
}

/** The path of one onboarding's own page. */
export function onboardingPath(sessionId: string): string {
  return itemPath("/onboarding", sessionId);
}

/** The session id in an onboarding page's path, or null for any other path. */
export function onboardingIdFromPath(pathname: string): string | null {
  return idFromPath("/onboarding", pathname);
}

/** The business name stored with an onboarding (its request data is open JSON to the client). */
export function businessNameOf(requestData: unknown): string {
  if (requestData && typeof requestData === "object" && "businessName" in requestData) {
    const name = (requestData as { businessName: unknown }).businessName;
    if (typeof name === "string" && name.trim()) return name;
  }
  return "Your business";
}
