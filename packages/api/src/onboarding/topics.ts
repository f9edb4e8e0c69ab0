// The onboarding product's live event: the whole progress of one session (scope: its id).
// A snapshot rather than a diff, so a client that resumes or refetches needs no merging.
import { OnboardingStatus, OnboardingStepName, OnboardingStepStatus, PaymentStatus } from "@switchboard/db";
import { z } from "zod";

const onboardingStepView = z.object({
  name: z.enum(OnboardingStepName),
  position: z.number().int(),
  /** The research step runs only when a research service is configured. */
  optional: z.boolean(),
  status: z.enum(OnboardingStepStatus),
  attempts: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
  skipReason: z.string().nullable(),
});

const onboardingProgress = z.object({
  sessionId: z.uuid(),
  status: z.enum(OnboardingStatus),
  currentStep: z.enum(OnboardingStepName).nullable(),
  paymentStatus: z.enum(PaymentStatus),
  /** Stripe's payment page while the session is unpaid, so the owner can go back to it. */
  checkoutUrl: z.url().nullable(),
  steps: z.array(onboardingStepView),
  /** Plain words, the next action, and the reference support can find in the log. */
  error: z.object({ message: z.string(), action: z.string(), code: z.string(), reference: z.string() }).nullable(),
  organizationId: z.uuid().nullable(),
  apiKey: z
    .object({ fingerprint: z.string(), revealExpiresAt: z.iso.datetime().nullable(), revealed: z.boolean() })
    .nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
});

export const onboardingTopics = {
  "onboarding.progress": onboardingProgress,
  /**
   * One of a person's onboardings changed (scope: their user id). It says which, not the whole
   * row: the list is short (20 at most), and reads itself again.
   */
  "onboarding.mine": z.object({ sessionId: z.uuid(), status: z.enum(OnboardingStatus) }),
};
