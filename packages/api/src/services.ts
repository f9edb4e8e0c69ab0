// What the onboarding procedures need from the process they run in: the payment provider,
// where the dashboard lives (for Stripe's return URLs), and the runner to hand work to.
import type { StripeClient } from "@switchboard/integrations";

export interface OnboardingRuntime {
  stripe: StripeClient | null;
  /** The dashboard's public base URL, e.g. https://app.example.com. */
  publicUrl: string;
  /** Asks this process's runner to run the session now (other instances find it by polling). */
  kick(sessionId: string): void;
}
