// Reading one onboarding session as its owner sees it, and publishing that view.
import type { Database, Transaction } from "@switchboard/db";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";

/** One session's progress as its owner sees it (instants as Date; its event form is the topic's payload). */
export async function readProgress(db: Database | Transaction, sessionId: string) {
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
      startedAt: step.startedAt,
      completedAt: step.completedAt,
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
          revealExpiresAt: session.apiKey.revealExpiresAt,
          revealed: session.apiKey.revealedAt !== null,
        }
      : null,
    createdAt: session.createdAt,
    startedAt: session.startedAt,
    completedAt: session.completedAt,
  };
}

/**
 * Publishes the session's progress as it stands inside `tx` (so the event matches the commit),
 * and tells its owner's list of onboardings (`onboarding.mine`) that this one changed.
 */
export async function publishProgress(tx: Transaction, events: AppEventBus, sessionId: string): Promise<void> {
  const progress = await readProgress(tx, sessionId);
  if (!progress) return;
  await events.publish(tx, "onboarding.progress", sessionId, eventFormOf(progress));
  const { userId } = await tx.onboardingSession.findUniqueOrThrow({
    where: { id: sessionId },
    select: { userId: true },
  });
  await events.publish(tx, "onboarding.mine", userId, { sessionId, status: progress.status });
}
