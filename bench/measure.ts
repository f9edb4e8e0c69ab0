// Shared measurement for the benchmarks: percentiles over samples, and results written as JSON.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    n: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

export async function timeEach(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export function writeResults(name: string, results: Record<string, unknown>): void {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: 2, node: process.version }, ...results }, null, 2)}\n`,
  );
  console.log(JSON.stringify(results, null, 2));
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

export interface OpenLoopRun {
  targetPerSec: number;
  offered: number;
  completed: number;
  /** Completed per second, from the first scheduled start to the last completion. */
  achievedPerSec: number;
  /** Of the completed, from each one's scheduled start (falling behind counts). */
  latenciesMs: number[];
  elapsedMs: number;
  timeouts: number;
  failures: number;
  /** The first few distinct error messages, timeouts and failures alike. */
  firstErrors: string[];
}

/**
 * Open loop: task i is started at t0 + i/rate whatever is still in flight, and its latency runs
 * from that scheduled time, so a system (or a publisher) that falls behind shows it as latency.
 * A task that throws is counted — as a timeout when `isTimeout` says so — never rethrown: the
 * run always ends with the rate it actually achieved.
 */
export async function openLoop(
  options: { ratePerSec: number; durationMs: number; isTimeout?: (error: unknown) => boolean },
  task: (i: number) => Promise<unknown>,
): Promise<OpenLoopRun> {
  const latenciesMs: number[] = [];
  const firstErrors: string[] = [];
  let timeouts = 0;
  let failures = 0;
  let lastDone = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; ; i++) {
    const at = started + (i * 1000) / options.ratePerSec;
    if (at >= started + options.durationMs) break;
    const wait = at - performance.now();
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      Promise.resolve()
        .then(() => task(i))
        .then(
          () => {
            lastDone = performance.now();
            latenciesMs.push(lastDone - at);
          },
          (error: unknown) => {
            if (options.isTimeout?.(error)) timeouts++;
            else failures++;
            const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
            if (firstErrors.length < 3 && !firstErrors.includes(message)) firstErrors.push(message);
          },
        ),
    );
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  const activeMs = Math.max(1, (lastDone || performance.now()) - started);
  return {
    targetPerSec: options.ratePerSec,
    offered: inFlight.length,
    completed: latenciesMs.length,
    achievedPerSec: Math.round((latenciesMs.length * 10_000) / activeMs) / 10,
    latenciesMs,
    elapsedMs,
    timeouts,
    failures,
    firstErrors,
  };
}

/** A failure as the results JSON records it: the error's name and message and its causes', never a stack. */
export function describeFailure(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const text = `${error.name}${typeof code === "string" ? ` ${code}` : ""}: ${error.message}`;
  return error.cause !== undefined && depth < 4 ? `${text} (cause: ${describeFailure(error.cause, depth + 1)})` : text;
}

/**
 * One benchmark's results, collected arm by arm. An arm that throws records its failure (and how
 * long it ran) in place of its figures and the next arm still runs, so a run always ends with
 * its JSON: a crash in one arm used to lose every figure measured before it.
 */
export class BenchResults {
  private readonly entries: Record<string, unknown> = {};
  readonly failures: { arm: string; error: string; afterMs: number }[] = [];
  /** Other work on the machine when this benchmark began (1, 5, 15 minutes): 2 means both cores busy. */
  private readonly loadAverageAtStart = os.loadavg().map((load) => Math.round(load * 100) / 100);

  constructor(readonly name: string) {}

  /** Measures one arm; its figures under `arm`, or its failure. Resolves to undefined when it failed. */
  async arm<T>(arm: string, measure: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const figures = await measure();
      this.entries[arm] = figures;
      return figures;
    } catch (error) {
      this.fail(arm, error, performance.now() - started);
      return undefined;
    }
  }

  /** Figures that are not an arm of their own (settings, counts, notes). */
  set(key: string, value: unknown): void {
    this.entries[key] = value;
  }

  /** Several figures at once, each under its own key. */
  merge(figures: Record<string, unknown>): void {
    Object.assign(this.entries, figures);
  }

  fail(arm: string, error: unknown, afterMs = 0): void {
    const failure = { arm, error: describeFailure(error), afterMs: Math.round(afterMs) };
    this.failures.push(failure);
    this.entries[arm] = { failed: failure.error, afterMs: failure.afterMs };
    console.error(`${this.name}: ${arm} failed after ${failure.afterMs} ms: ${failure.error}`);
  }

  write(): void {
    writeResults(this.name, {
      loadAverageAtStart: this.loadAverageAtStart,
      ...this.entries,
      failedArms: this.failures.map((f) => f.arm),
    });
  }
}

/**
 * Runs one benchmark's body and writes its JSON whatever happens: a failure in its set-up or
 * clean-up (outside any arm) is recorded as the arm "run". The process exit code says whether
 * anything failed; the JSON says what.
 */
export async function runBenchmark(name: string, body: (results: BenchResults) => Promise<void>): Promise<void> {
  const results = new BenchResults(name);
  const started = performance.now();
  try {
    await body(results);
  } catch (error) {
    results.fail("run", error, performance.now() - started);
  } finally {
    results.write();
  }
  if (results.failures.length) process.exitCode = 1;
}
