// Reading one onboarding session as its owner sees it, and publishing that view.
import type { Database, Transaction } from "@switchboard/db";
import type { AppEventBus } from "../live-events.ts";
import type { OnboardingProgress } from "./topics.ts";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export async function readProgress(db: Database | Transaction, sessionId: string): Promise<OnboardingProgress | null> {
  const session = await db.onboardingSession.findUnique({
    where: { id: sessionId },
    include: {
      steps: { orderBy: { position: "asc" } },
      organization: { select: { id: true } },
      apiKey: { select: { fingerprint: true, revealExpiresAt: true, revealedAt: true } },
    },
  });
  if (!session) return null;
  return {
    sessionId: session.id,
    status: session.status,
    currentStep: session.currentStep,
    paymentStatus: session.paymentStatus,
    checkoutUrl:
      session.paymentStatus === "unpaid"
        ? ((session.stepData as { checkoutUrl?: string | null }).checkoutUrl ?? null)
        : null,
    steps: session.steps.map((step) => ({
      name: step.name,
      position: step.position,
      optional: step.name === "research",
      status: step.status,
      attempts: step.attempts,
      startedAt: iso(step.startedAt),
      completedAt: iso(step.completedAt),
      error: step.error,
      skipReason: step.skipReason,
    })),
    error:
      session.error && session.errorCode && session.errorReference
        ? {
            message: session.error,
            action: session.errorAction ?? "Press Retry.",
            code: session.errorCode,
            reference: session.errorReference,
          }
        : null,
    organizationId: session.organization?.id ?? null,
    apiKey: session.apiKey
      ? {
          fingerprint: session.apiKey.fingerprint,
          revealExpiresAt: iso(session.apiKey.revealExpiresAt),
          revealed: session.apiKey.revealedAt !== null,
        }
      : null,
    createdAt: session.createdAt.toISOString(),
    startedAt: iso(session.startedAt),
    completedAt: iso(session.completedAt),
  };
}

/** Publishes the session's progress as it stands inside `tx` (so the event matches the commit). */
export async function publishProgress(tx: Transaction, events: AppEventBus, sessionId: string): Promise<void> {
  const progress = await readProgress(tx, sessionId);
  if (progress) await events.publish(tx, "onboarding.progress", sessionId, progress);
}
