// Compensation: when a step's external effect succeeded (Stripe says paid, the research task
// exists) but recording it failed, a pending sync keeps the effect and a reconciler applies it
// later, with backoff, on whichever instance gets to it first (FOR UPDATE SKIP LOCKED).
import type { Database, Prisma } from "@switchboard/db";
import type pino from "pino";

export type PendingSyncKind = "record_payment" | "record_research_task";

const MAX_SYNC_ATTEMPTS = 8;

export async function recordPendingSync(
  deps: { db: Database; log: pino.Logger },
  sessionId: string,
  kind: PendingSyncKind,
  payload: Prisma.InputJsonValue,
  failure: unknown,
): Promise<void> {
  try {
    await deps.db.pendingSync.create({
      data: { sessionId, kind, payload, lastError: failure instanceof Error ? failure.message : String(failure) },
    });
    deps.log.warn({ sessionId, kind, payload }, "recording failed after the effect succeeded; pending sync written");
  } catch (error) {
    // The database is refusing writes altogether: the log line is the record of last resort.
    deps.log.error({ err: error, sessionId, kind, payload }, "could not write a pending sync; effect only in this log");
  }
}

/** Applies one sync; true when the effect is now recorded. */
async function apply(db: Database, sync: { sessionId: string | null; kind: string; payload: unknown }) {
  if (!sync.sessionId) return true;
  if (sync.kind === "record_payment") {
    await db.onboardingSession.update({ where: { id: sync.sessionId }, data: { paymentStatus: "paid" } });
    return true;
  }
  if (sync.kind === "record_research_task") {
    const { taskId } = sync.payload as { taskId: string };
    const step = await db.onboardingStep.findUnique({
      where: { sessionId_name: { sessionId: sync.sessionId, name: "research" } },
    });
    if (!step || step.status === "skipped") return true;
    if (step.status !== "completed") return false; // the pipeline will record it with this task id
    if ((step.result as { taskId?: string } | null)?.taskId === taskId) return true;
    await db.onboardingStep.update({ where: { id: step.id }, data: { result: { taskId } } });
    return true;
  }
  throw new Error(`unknown pending sync kind ${sync.kind}`);
}

/** One reconciler pass: claims due syncs and applies them. Returns how many it resolved. */
export async function reconcilePendingSyncs(deps: { db: Database; log: pino.Logger }, batch = 20): Promise<number> {
  let resolved = 0;
  await deps.db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM pending_syncs WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
    for (const { id } of due) {
      const sync = await tx.pendingSync.findUniqueOrThrow({ where: { id } });
      try {
        const done = await apply(deps.db, sync);
        if (done) {
          resolved++;
          await tx.pendingSync.update({ where: { id }, data: { status: "succeeded", resolvedAt: new Date() } });
          continue;
        }
        await tx.pendingSync.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() + 5_000) } });
      } catch (error) {
        const attempts = sync.attempts + 1;
        deps.log.warn({ err: error, syncId: id, attempts }, "pending sync failed; will retry");
        await tx.pendingSync.update({
          where: { id },
          data: {
            attempts,
            lastError: error instanceof Error ? error.message : String(error),
            status: attempts >= MAX_SYNC_ATTEMPTS ? "failed" : "pending",
            nextAttemptAt: new Date(Date.now() + Math.min(600_000, 1000 * 2 ** attempts)),
          },
        });
      }
    }
  });
  return resolved;
}

/** For administrators: syncs still waiting or given up on. */
export function listOpenSyncs(db: Database) {
  return db.pendingSync.findMany({
    where: { status: { in: ["pending", "failed"] } },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      sessionId: true,
      kind: true,
      status: true,
      attempts: true,
      lastError: true,
      nextAttemptAt: true,
      createdAt: true,
    },
  });
}
