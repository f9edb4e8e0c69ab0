// What the session's owner can do once it exists: start the pipeline (once, whatever the number
// of tabs), retry after a failure from the failed step, and reveal the API key once.
import type { Database } from "@switchboard/db";
import type { SecretBox } from "@switchboard/integrations";
import { appError } from "../errors.ts";
import type { AppEventBus } from "../live-events.ts";
import { hashSecretToken } from "../secret-tokens.ts";
import type { OnboardingRuntime } from "../services.ts";
import { openForReveal } from "./api-key.ts";
import { publishProgress, readProgress } from "./progress.ts";

interface Deps {
  db: Database;
  events: AppEventBus;
  runtime: OnboardingRuntime;
}

const notFound = () => appError("NOT_FOUND", "We couldn't find that sign-up.");

/** The owner's session or NOT_FOUND (another person's session id reveals nothing). */
async function ownedSession(db: Database, userId: string, sessionId: string) {
  const session = await db.onboardingSession.findFirst({ where: { id: sessionId, userId } });
  if (!session) throw notFound();
  return session;
}

export async function ownedProgress(db: Database, userId: string, sessionId: string) {
  await ownedSession(db, userId, sessionId);
  const progress = await readProgress(db, sessionId);
  if (!progress) throw notFound();
  return progress;
}

/**
 * Moves a pending session to in_progress and hands it to the runner. Exactly one call wins (a
 * conditional update); a second tab is told setup is already running and follows the same
 * progress. A completed session just reports its progress.
 */
export async function completeOnboarding({ db, events, runtime }: Deps, userId: string, sessionId: string) {
  const session = await ownedSession(db, userId, sessionId);
  const claimed = await db.$transaction(async (tx) => {
    const { count } = await tx.onboardingSession.updateMany({
      where: { id: sessionId, status: "pending" },
      data: { status: "in_progress", startedAt: new Date() },
    });
    if (count === 1) await publishProgress(tx, events, sessionId);
    return count === 1;
  });
  if (claimed) {
    runtime.kick(sessionId);
    return ownedProgress(db, userId, sessionId);
  }
  const current = await db.onboardingSession.findUniqueOrThrow({ where: { id: session.id } });
  if (current.status === "in_progress") {
    throw appError("ONBOARDING_IN_PROGRESS", "Setup is already running in another tab.");
  }
  if (current.status === "failed") {
    throw appError("ONBOARDING_FAILED", "Setup stopped with a problem. Press Retry to continue where it stopped.");
  }
  return ownedProgress(db, userId, sessionId);
}

/** Resumes a failed session from its failed step; completed steps are kept. */
export async function retryOnboarding({ db, events, runtime }: Deps, userId: string, sessionId: string) {
  await ownedSession(db, userId, sessionId);
  const resumed = await db.$transaction(async (tx) => {
    const { count } = await tx.onboardingSession.updateMany({
      where: { id: sessionId, status: "failed" },
      data: { status: "in_progress", error: null, errorAction: null, errorCode: null, errorReference: null },
    });
    if (count === 0) return false;
    await tx.onboardingStep.updateMany({
      where: { sessionId, status: { in: ["failed", "running"] } },
      data: { status: "pending", error: null, errorCode: null },
    });
    await publishProgress(tx, events, sessionId);
    return true;
  });
  if (!resumed) {
    const { status } = await db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });
    if (status === "in_progress") throw appError("ONBOARDING_IN_PROGRESS", "Setup is already running in another tab.");
    throw appError("ONBOARDING_FAILED", "There is nothing to retry: this setup has not stopped with a problem.");
  }
  runtime.kick(sessionId);
  return ownedProgress(db, userId, sessionId);
}

/**
 * Shows the API key's secret once, within its 2-hour window. The same transaction that marks it
 * revealed erases the reveal material (ciphertext, token hash, and the token in the step result).
 */
export async function revealApiKey(
  { db, events, secrets }: Omit<Deps, "runtime"> & { secrets: SecretBox | null },
  userId: string,
  sessionId: string,
) {
  await ownedSession(db, userId, sessionId);
  return db.$transaction(async (tx) => {
    const step = await tx.onboardingStep.findUnique({
      where: { sessionId_name: { sessionId, name: "generate_api_key" } },
    });
    const revealToken = (step?.result as { revealToken?: string } | null)?.revealToken;
    const key = await tx.apiKey.findUnique({ where: { onboardingSessionId: sessionId } });
    if (!key) throw appError("API_KEY_REVEAL_UNAVAILABLE", "Your API key isn't ready yet.");
    if (key.revealedAt) {
      throw appError(
        "API_KEY_REVEAL_UNAVAILABLE",
        "This API key was already shown once. Create a new key in your organization's settings if you lost it.",
      );
    }
    if (!key.revealExpiresAt || key.revealExpiresAt < new Date()) {
      throw appError(
        "API_KEY_REVEAL_UNAVAILABLE",
        "The 2 hours to view this key have passed. Create a new key in your organization's settings.",
      );
    }
    if (!secrets) {
      throw appError(
        "API_KEY_REVEAL_UNAVAILABLE",
        "This server can't show API keys because it has no secrets key set up. Ask whoever runs it to set one up, then create a new key in your organization's settings.",
      );
    }
    if (!revealToken || !key.revealCiphertext || key.revealTokenHash !== hashSecretToken(revealToken)) {
      throw appError(
        "API_KEY_REVEAL_UNAVAILABLE",
        "This API key can no longer be shown. Create a new key in your organization's settings.",
      );
    }
    const secret = openForReveal(key.revealCiphertext, revealToken, secrets, key.id);
    const { revealToken: _used, ...rest } = step!.result as Record<string, unknown>;
    // Row lock on the key: of two simultaneous reveals, the second finds it revealed.
    const { count } = await tx.apiKey.updateMany({
      where: { id: key.id, revealedAt: null },
      data: { revealedAt: new Date(), revealCiphertext: null, revealTokenHash: null },
    });
    if (count !== 1) throw appError("API_KEY_REVEAL_UNAVAILABLE", "This API key was already shown once.");
    await tx.onboardingStep.update({ where: { id: step!.id }, data: { result: rest as object } });
    await publishProgress(tx, events, sessionId);
    return { secret, fingerprint: key.fingerprint };
  });
}
