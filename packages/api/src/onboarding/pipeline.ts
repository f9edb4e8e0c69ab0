// The OnboardingPipeline: runs one session's steps in order, durably. Every step's outcome is
// recorded in the database (status, attempts, timestamps, error) in the same transaction as its
// effect and its progress event, under the session's lease. A step that touches the outside world
// (Stripe, the research service) is idempotent there too, and when its effect succeeded but the
// recording failed, a pending sync keeps the effect for the reconciler: nothing is lost.
import { randomBytes, randomUUID } from "node:crypto";
import type { Database, OnboardingStepName, Prisma, Transaction } from "@switchboard/db";
import type { ResearchClient, SecretBox, StripeClient } from "@switchboard/integrations";
import { ResearchServiceError } from "@switchboard/integrations";
import type pino from "pino";
import type { AppEventBus } from "../live-events.ts";
import { newRevealableApiKey, REVEAL_WINDOW_MS, sealForReveal } from "./api-key.ts";
import { classifyFailure, type OnboardingFailure, permanentFailure } from "./failures.ts";
import { acquireLease, assertLease, LeaseLostError, releaseLease, renewLease } from "./lease.ts";
import { recordPendingSync } from "./pending-syncs.ts";
import { publishProgress } from "./progress.ts";
import type { OnboardingRequest } from "./start.ts";

interface RetryPolicy {
  /** Tries per step for transient failures (default 3). */
  attempts: number;
  /** First backoff; doubles each time, with full jitter. */
  baseMs: number;
  maxMs: number;
}

export interface PipelineDeps {
  db: Database;
  events: AppEventBus;
  log: pino.Logger;
  stripe: StripeClient | null;
  research: ResearchClient | null;
  /**
   * Seals the API key's reveal material so the database alone cannot open it. With none (an
   * external database and no SECRETS_KEY) the key is created but no reveal material is kept.
   */
  secrets?: SecretBox | null;
  /** Identifies this process in onboarding_locks. */
  instanceId: string;
  leaseMs: number;
  retry: RetryPolicy;
}

type StepOutcome = { status: "completed"; result: Prisma.InputJsonValue } | { status: "skipped"; reason: string };

interface StepContext {
  sessionId: string;
  userId: string;
  request: OnboardingRequest;
  stepData: Record<string, unknown>;
  /** Records the outcome, running `effect` in the same transaction (under the lease). */
  finish(effect?: (tx: Transaction) => Promise<Prisma.InputJsonValue | undefined>): Promise<StepOutcome>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function slugFor(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "business"}-${randomBytes(3).toString("hex")}`;
}

function websiteHost(website: string | null): string[] {
  if (!website) return [];
  try {
    return [new URL(website).hostname];
  } catch {
    return [];
  }
}

/** What each step does. Each is safe to run again after a crash at any point. */
const steps: Record<OnboardingStepName, (deps: PipelineDeps, step: StepContext) => Promise<StepOutcome>> = {
  async verify_payment(deps, step) {
    const session = await deps.db.onboardingSession.findUniqueOrThrow({
      where: { id: step.sessionId },
      select: { paymentStatus: true, stripeCheckoutSessionId: true },
    });
    if (session.paymentStatus === "paid") return step.finish(async () => ({ verifiedBy: "webhook" }));
    if (!deps.stripe) {
      // Explicitly no payment provider: recorded and shown as such, never as "paid".
      return step.finish(async (tx) => {
        await tx.onboardingSession.update({ where: { id: step.sessionId }, data: { paymentStatus: "no_provider" } });
        return { verifiedBy: "no_payment_provider" };
      });
    }
    if (!session.stripeCheckoutSessionId) {
      throw permanentFailure(
        "payment_not_started",
        "We couldn't find a payment for this sign-up.",
        "Start the sign-up again to open the payment page.",
      );
    }
    const checkout = await deps.stripe.checkout.sessions.retrieve(session.stripeCheckoutSessionId);
    if (checkout.payment_status !== "paid") {
      throw permanentFailure(
        "payment_not_completed",
        "We haven't received your payment yet.",
        "Finish paying on the payment page, then press Retry.",
      );
    }
    // Stripe says paid: if recording that fails, the reconciler records it later.
    const checkoutSessionId = checkout.id;
    try {
      return await step.finish(async (tx) => {
        await tx.onboardingSession.update({ where: { id: step.sessionId }, data: { paymentStatus: "paid" } });
        return { verifiedBy: "checkout_session", checkoutSessionId };
      });
    } catch (error) {
      if (!(error instanceof LeaseLostError)) {
        await recordPendingSync(deps, step.sessionId, "record_payment", { checkoutSessionId }, error);
      }
      throw error;
    }
  },

  async create_organization(_deps, step) {
    return step.finish(async (tx) => {
      const existing = await tx.organization.findUnique({ where: { onboardingSessionId: step.sessionId } });
      const organization =
        existing ??
        (await tx.organization.create({
          data: {
            name: step.request.businessName,
            slug: slugFor(step.request.businessName),
            industry: step.request.industry,
            website: step.request.website,
            plan: step.request.plan,
            onboardingSessionId: step.sessionId,
            memberships: { create: { userId: step.userId, role: "owner" } },
          },
        }));
      return { organizationId: organization.id };
    });
  },

  async setup_workspace(_deps, step) {
    const organizationId = step.stepData.organizationId as string;
    return step.finish(async (tx) => {
      const existing = await tx.agent.findFirst({ where: { organizationId }, orderBy: { createdAt: "asc" } });
      if (existing) return { agentId: existing.id };
      const agent = await tx.agent.create({
        data: {
          organizationId,
          name: "Website assistant",
          description: `Answers visitors' questions for ${step.request.businessName}.`,
        },
      });
      const version = await tx.agentVersion.create({
        data: {
          agentId: agent.id,
          version: 1,
          status: "published",
          publishedAt: new Date(),
          model: "gpt-4o-mini",
          systemPrompt: `You are the friendly assistant on ${step.request.businessName}'s website (${step.request.industry}). Answer briefly and helpfully; offer to connect visitors with the team for anything you cannot answer.`,
          allowedDomains: websiteHost(step.request.website),
          createdById: step.userId,
        },
      });
      await tx.agent.update({ where: { id: agent.id }, data: { publishedVersionId: version.id } });
      await tx.organization.update({
        where: { id: organizationId },
        data: {
          settings: {
            defaultAgentId: agent.id,
            timezone: "UTC",
            notifications: { email: step.request.email },
            features: { agents: true, coaching: true },
          },
        },
      });
      return { agentId: agent.id };
    });
  },

  async generate_api_key(deps, step) {
    const organizationId = step.stepData.organizationId as string;
    return step.finish(async (tx) => {
      const existing = await tx.apiKey.findUnique({ where: { onboardingSessionId: step.sessionId } });
      if (existing) return undefined; // recorded before: keep the first result (and its reveal token)
      const key = newRevealableApiKey();
      // The id is chosen here so the sealed ciphertext can be bound to its own row.
      const id = randomUUID();
      const secrets = deps.secrets ?? null;
      const created = await tx.apiKey.create({
        data: {
          id,
          organizationId,
          name: "Default key",
          keyHash: key.keyHash,
          fingerprint: key.fingerprint,
          revealTokenHash: secrets ? key.revealTokenHash : null,
          revealCiphertext: secrets ? sealForReveal(key.secret, key.revealToken, secrets, id) : null,
          revealExpiresAt: new Date(Date.now() + REVEAL_WINDOW_MS),
          onboardingSessionId: step.sessionId,
        },
      });
      return {
        apiKeyId: created.id,
        fingerprint: key.fingerprint,
        ...(secrets ? { revealToken: key.revealToken } : {}),
      };
    });
  },

  async research(deps, step) {
    if (!deps.research) return { status: "skipped", reason: "Research isn't set up on this server." };
    // A task started before a crash or a failed recording is reused, never started twice.
    const earlier = await deps.db.pendingSync.findFirst({
      where: { sessionId: step.sessionId, kind: "record_research_task" },
    });
    let taskId = (earlier?.payload as { taskId?: string } | undefined)?.taskId;
    if (!taskId) {
      try {
        ({ taskId } = await deps.research.startTask({
          reference: step.sessionId,
          businessName: step.request.businessName,
          industry: step.request.industry,
          website: step.request.website,
        }));
      } catch (error) {
        if (!(error instanceof ResearchServiceError)) throw error;
        deps.log.warn({ err: error, sessionId: step.sessionId }, "research skipped");
        return { status: "skipped", reason: `Research was skipped: ${error.message}. Everything else is set up.` };
      }
    }
    try {
      return await step.finish(async () => ({ taskId }));
    } catch (error) {
      if (!(error instanceof LeaseLostError) && !earlier) {
        await recordPendingSync(deps, step.sessionId, "record_research_task", { taskId }, error);
      }
      throw error;
    }
  },

  async finalize(_deps, step) {
    return step.finish(async (tx) => {
      await tx.onboardingSession.update({
        where: { id: step.sessionId },
        data: { status: "completed", completedAt: new Date(), currentStep: null },
      });
      return { completed: true };
    });
  },
};

export type RunResult = "completed" | "failed" | "busy" | "lease_lost" | "stopped" | "not_runnable";

export class OnboardingPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Runs the session from its first unfinished step, if this process can take its lease. */
  async run(sessionId: string, signal?: AbortSignal): Promise<RunResult> {
    const { db, instanceId, leaseMs } = this.deps;
    if (!(await acquireLease(db, sessionId, instanceId, leaseMs))) return "busy";
    const lease = new AbortController();
    const heartbeat = setInterval(
      () => {
        renewLease(db, sessionId, instanceId, leaseMs)
          .then((held) => {
            if (!held) lease.abort();
          })
          .catch((error) => this.deps.log.warn({ err: error, sessionId }, "lease renewal failed"));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      return await this.runSteps(sessionId, AbortSignal.any([lease.signal, ...(signal ? [signal] : [])]));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.deps.log.warn({ sessionId }, "onboarding lease lost; another runner continues");
        return "lease_lost";
      }
      throw error;
    } finally {
      clearInterval(heartbeat);
      await releaseLease(db, sessionId, instanceId).catch(() => {});
    }
  }

  private async runSteps(sessionId: string, signal: AbortSignal): Promise<RunResult> {
    const { db } = this.deps;
    for (;;) {
      if (signal.aborted) return "stopped";
      const session = await db.onboardingSession.findUniqueOrThrow({
        where: { id: sessionId },
        include: { steps: { orderBy: { position: "asc" } } },
      });
      if (session.status !== "in_progress") return session.status === "completed" ? "completed" : "not_runnable";
      const next = session.steps.find((step) => step.status !== "completed" && step.status !== "skipped");
      if (!next) return "completed";
      if (next.status === "failed") return "failed";
      const ok = await this.runStep(session, next.name, signal);
      if (!ok) return signal.aborted ? "stopped" : "failed";
    }
  }

  private async runStep(
    session: { id: string; userId: string; requestData: unknown; stepData: unknown },
    name: OnboardingStepName,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { db, events, instanceId, retry, log } = this.deps;
    const sessionId = session.id;
    for (let attempt = 1; ; attempt++) {
      await db.$transaction(async (tx) => {
        await assertLease(tx, sessionId, instanceId);
        const now = new Date();
        await tx.onboardingStep.update({
          where: { sessionId_name: { sessionId, name } },
          data: { status: "running", attempts: { increment: 1 }, error: null, errorCode: null },
        });
        await tx.onboardingStep.updateMany({
          where: { sessionId, name, startedAt: null },
          data: { startedAt: now },
        });
        await tx.onboardingSession.update({ where: { id: sessionId }, data: { currentStep: name } });
        await publishProgress(tx, events, sessionId);
      });
      const stepData = session.stepData as Record<string, unknown>;
      const context: StepContext = {
        sessionId,
        userId: session.userId,
        request: session.requestData as OnboardingRequest,
        stepData,
        finish: (effect) => this.recordCompletion(sessionId, name, effect),
      };
      try {
        const outcome = await steps[name](this.deps, context);
        if (outcome.status === "skipped") await this.recordSkip(sessionId, name, outcome.reason);
        return true;
      } catch (error) {
        if (error instanceof LeaseLostError) throw error;
        const failure = classifyFailure(error);
        const reference = randomBytes(4).toString("hex");
        log.error({ err: error, sessionId, step: name, attempt, failure, reference }, "onboarding step failed");
        if (failure.kind === "transient" && attempt < retry.attempts && !signal.aborted) {
          await sleep(backoffMs(retry, attempt), signal);
          if (signal.aborted) return false;
          continue;
        }
        await this.recordFailure(sessionId, name, failure, reference);
        return false;
      }
    }
  }

  private async recordCompletion(
    sessionId: string,
    name: OnboardingStepName,
    effect?: (tx: Transaction) => Promise<Prisma.InputJsonValue | undefined>,
  ): Promise<StepOutcome> {
    const { db, events, instanceId } = this.deps;
    return db.$transaction(async (tx) => {
      await assertLease(tx, sessionId, instanceId);
      const produced = effect ? await effect(tx) : undefined;
      const step = await tx.onboardingStep.findUniqueOrThrow({ where: { sessionId_name: { sessionId, name } } });
      const result = produced ?? step.result ?? {};
      await tx.onboardingStep.update({
        where: { sessionId_name: { sessionId, name } },
        data: { status: "completed", completedAt: new Date(), result, error: null, errorCode: null },
      });
      // Results the later steps need (organization id, key id, ...) travel in step_data.
      const session = await tx.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });
      const { revealToken: _secret, ...shared } = result as Record<string, unknown>;
      await tx.onboardingSession.update({
        where: { id: sessionId },
        data: { stepData: { ...(session.stepData as Record<string, unknown>), ...shared } as Prisma.InputJsonValue },
      });
      await publishProgress(tx, events, sessionId);
      return { status: "completed" as const, result };
    });
  }

  private async recordSkip(sessionId: string, name: OnboardingStepName, reason: string): Promise<void> {
    const { db, events, instanceId } = this.deps;
    await db.$transaction(async (tx) => {
      await assertLease(tx, sessionId, instanceId);
      await tx.onboardingStep.update({
        where: { sessionId_name: { sessionId, name } },
        data: { status: "skipped", skipReason: reason, completedAt: new Date() },
      });
      await publishProgress(tx, events, sessionId);
    });
  }

  private async recordFailure(
    sessionId: string,
    name: OnboardingStepName,
    failure: OnboardingFailure,
    reference: string,
  ): Promise<void> {
    const { db, events, instanceId } = this.deps;
    await db.$transaction(async (tx) => {
      await assertLease(tx, sessionId, instanceId);
      await tx.onboardingStep.update({
        where: { sessionId_name: { sessionId, name } },
        data: { status: "failed", error: failure.message, errorCode: failure.code },
      });
      await tx.onboardingSession.update({
        where: { id: sessionId },
        data: {
          status: "failed",
          error: failure.message,
          errorAction: failure.action,
          errorCode: failure.code,
          errorReference: reference,
        },
      });
      await publishProgress(tx, events, sessionId);
    });
  }
}
