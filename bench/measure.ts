// Shared measurement for the benchmarks: percentiles over samples, and results written as JSON.
import { mkdirSync, writeFileSync } from "node:fs";
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
