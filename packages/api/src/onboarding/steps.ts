// The onboarding steps in the order the pipeline runs them. Its own module because starting an
// onboarding (start.ts, which creates the step rows) and the pipeline (which runs them, and
// reads start.ts's request type) both need it: kept in pipeline.ts it made an import cycle.
import type { OnboardingStepName } from "@switchboard/db";

export const STEP_ORDER: readonly OnboardingStepName[] = [
  "verify_payment",
  "create_organization",
  "setup_workspace",
  "generate_api_key",
  "research",
  "finalize",
];
