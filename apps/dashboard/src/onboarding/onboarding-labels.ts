// How the onboarding product's values read to people, in one place for every page.
import type { RouterInputs, RouterOutputs } from "@switchboard/api";

export { formatTime } from "../pages/format-time.ts";

export type Plan = RouterInputs["onboarding"]["start"]["plan"];
export type OnboardingView = RouterOutputs["onboarding"]["get"];
export type OnboardingStatus = OnboardingView["status"];
export type PaymentStatus = OnboardingView["paymentStatus"];
export type SetupStep = OnboardingView["steps"][number];
export type StepName = SetupStep["name"];
export type StepStatus = SetupStep["status"];

export type PlanOffer = RouterOutputs["onboarding"]["plans"][number];

/** "$149": the price as the server's plan list gives it (`onboarding.plans`). */
export function formatPlanPrice(offer: PlanOffer): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: offer.currency.toUpperCase(),
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(offer.priceCents / 100);
}

/** "A one-time price in USD." when every plan on offer is priced alike. */
export function planPriceHint(offers: readonly PlanOffer[]): string | undefined {
  const [first] = offers;
  if (!first || offers.some((offer) => offer.currency !== first.currency || offer.interval !== first.interval)) {
    return undefined;
  }
  const kind = first.interval === "one_time" ? "A one-time price" : "A price";
  return `${kind} in ${first.currency.toUpperCase()}.`;
}

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
export function formatClock(at: Date): string {
  return clockFormat.format(at);
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
  return step.completedAt.getTime() - step.startedAt.getTime();
}

/** The business name stored with an onboarding (its request data is open JSON to the client). */
export function businessNameOf(requestData: unknown): string {
  if (requestData && typeof requestData === "object" && "businessName" in requestData) {
    const name = (requestData as { businessName: unknown }).businessName;
    if (typeof name === "string" && name.trim()) return name;
  }
  return "Your business";
}
