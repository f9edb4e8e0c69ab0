// The OnboardingRunner: this process's share of the pipelines. It runs sessions it is asked to
// (kick) and, every poll, any in-progress session whose lease nobody holds — which is how a
// pipeline resumes after its server was killed, on whichever instance gets there first.
// It also runs the pending-sync reconciler. Its timers are the one periodic work outside
// graphile-worker, on purpose: a kick runs a pipeline within the same turn (a cron task waits for
// the next minute), and a session's lease (ONBOARDING_LEASE_SECONDS) lets another instance resume
// it seconds after its server was killed with kill -9, where graphile-worker frees a dead
// worker's job only after 4 hours. Erasing expired API-key reveal material is a cron task
// (onboarding/jobs.ts).
import { findUnclaimedSessions, startAbandonedPaidSessions } from "./lease.ts";
import { reconcilePendingSyncs } from "./pending-syncs.ts";
import { OnboardingPipeline, type PipelineDeps, type RunResult } from "./pipeline.ts";

export interface RunnerOptions {
  pollMs: number;
  /** Pipelines run at once by this process. */
  concurrency: number;
  /** A paid session nobody started is started after this long (default 5 minutes). */
  abandonedAfterMs?: number;
  reconcileEveryMs?: number;
}

export class OnboardingRunner {
  private readonly pipeline: OnboardingPipeline;
  private readonly running = new Map<string, Promise<RunResult | undefined>>();
  private readonly stopping = new AbortController();
  private timers: NodeJS.Timeout[] = [];
  private sweeping = false;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly options: RunnerOptions,
  ) {
    this.pipeline = new OnboardingPipeline(deps);
  }

  start(): void {
    this.timers.push(setInterval(() => void this.sweep(), this.options.pollMs));
    this.timers.push(setInterval(() => void this.reconcile(), this.options.reconcileEveryMs ?? 10_000));
    for (const timer of this.timers) timer.unref();
    void this.sweep();
  }

  /** Runs the session here now, unless it already runs here or this process is full. */
  kick(sessionId: string): void {
    if (this.stopping.signal.aborted || this.running.has(sessionId)) return;
    if (this.running.size >= this.options.concurrency) return; // a later sweep takes it
    const run = this.pipeline
      .run(sessionId, this.stopping.signal)
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, sessionId }, "onboarding run crashed; it resumes on the next sweep");
        return undefined;
      })
      .finally(() => this.running.delete(sessionId));
    this.running.set(sessionId, run);
  }

  async sweep(): Promise<void> {
    if (this.sweeping || this.stopping.signal.aborted) return;
    this.sweeping = true;
    try {
      await startAbandonedPaidSessions(this.deps.db, this.options.abandonedAfterMs ?? 5 * 60_000);
      const free = this.options.concurrency - this.running.size;
      if (free > 0) for (const id of await findUnclaimedSessions(this.deps.db, free)) this.kick(id);
    } catch (error) {
      this.deps.log.warn({ err: error }, "looking for onboarding work failed; will look again");
    } finally {
      this.sweeping = false;
    }
  }

  async reconcile(): Promise<number> {
    try {
      return await reconcilePendingSyncs(this.deps);
    } catch (error) {
      this.deps.log.warn({ err: error }, "pending sync reconciliation failed; will retry");
      return 0;
    }
  }

  /** Resolves when nothing runs here (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops taking work; running pipelines stop after their current step (their lease is released). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopping.abort();
    await this.idle();
  }
}
