// The event-bus benchmark's helper processes (tRPC server, raw ws server, WebSocket clients)
// and how the benchmark drives them: request/reply over the IPC channel (structured-clone
// serialization, so typed arrays of samples cross cheaply), a shared clock, and CPU/RSS
// readings from /proc.
import { type ChildProcess, fork } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** One clock for every process: wall-clock-anchored and high resolution. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Handler = (args: unknown) => unknown;

interface Request {
  id: number;
  type: string;
  args: unknown;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

interface IncomingMessage<TReady> {
  ready?: TReady & { pid: number };
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
}

/** A CPU profile of a chosen stretch (e.g. one fan-out run) of a helper process, written to `file`. */
let inspector: Session | null = null;
async function profile({ action, file }: { action: "start" | "stop"; file?: string }) {
  if (action === "start") {
    inspector ??= new Session();
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
    return null;
  }
  if (!inspector) throw new Error("no profile started");
  const { profile } = await inspector.post("Profiler.stop");
  inspector.disconnect();
  inspector = null;
  if (file) writeFileSync(file, JSON.stringify(profile));
  return file ?? null;
}

/** In a helper process: answers the benchmark's requests; exits when the benchmark goes away. */
export function serveControl(specific: Record<string, Handler>, readyInfo: Record<string, unknown>): void {
  const handlers: Record<string, Handler> = {
    clock: () => now(),
    profile: (args) => profile(args as { action: "start" | "stop"; file?: string }),
    ...specific,
  };
  const send = (message: unknown) => process.send?.(message);
  process.on("message", (message: Request) => {
    const handler = handlers[message.type];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown request "${message.type}"`);
        send({ id: message.id, ok: true, result: await handler(message.args) } satisfies Reply);
      } catch (error) {
        send({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
  process.on("disconnect", () => process.exit(0));
  send({ ready: { pid: process.pid, ...readyInfo } });
}

const tsxLoader = import.meta.resolve("tsx");

/** In the benchmark: one helper process. */
export class HelperProcess<TReady extends Record<string, unknown> = Record<string, unknown>> {
  readonly process: ChildProcess;
  readonly ready: Promise<TReady & { pid: number }>;
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly name: string,
    script: string,
    options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
  ) {
    this.process = fork(script, [], {
      execArgv: ["--conditions=source", "--import", tsxLoader, ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.exited = new Promise((resolve) => this.process.on("exit", (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      void this.exited.then((code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
      this.process.on("message", (message: IncomingMessage<TReady>) => {
        if (message.ready) {
          resolve(message.ready);
          return;
        }
        const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id!);
        if (message.ok) waiting.resolve(message.result);
        else waiting.reject(new Error(`${name}: ${message.error}`));
      });
    });
    this.ready.catch(() => {});
    void this.exited.then((code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited with ${code}`));
      this.pending.clear();
    });
  }

  request<T>(type: string, args?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, type, args } satisfies Request);
    });
  }

  /**
   * This process's clock minus ours, from the round trip with the smallest delay (its error is
   * at most half that round trip, reported as uncertaintyMs).
   */
  async clockOffset(): Promise<{ offsetMs: number; uncertaintyMs: number }> {
    let best = { offsetMs: 0, uncertaintyMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 25; i++) {
      const sent = now();
      const theirs = await this.request<number>("clock");
      const received = now();
      const half = (received - sent) / 2;
      if (half < best.uncertaintyMs) best = { offsetMs: theirs - (sent + half), uncertaintyMs: half };
    }
    return best;
  }

  /** CPU time (user + system) used so far, from /proc/<pid>/stat. */
  cpuMs(): number {
    return processCpuMs(this.process.pid!);
  }

  /** Resident set size from /proc/<pid>/status (VmRSS), in KiB. */
  rssKiB(): number {
    const status = readFileSync(`/proc/${this.process.pid}/status`, "utf8");
    return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? Number.NaN);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.disconnect();
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

const CLOCK_TICKS_PER_SECOND = 100;
const TICK_MS = 1000 / CLOCK_TICKS_PER_SECOND;

/** /proc/<pid>/stat fields after the command name (which may contain spaces): field 3 is index 0. */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null; // exited meanwhile
  }
}

/** CPU time (user + system) a process has used so far. */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) * TICK_MS : 0;
}

/**
 * CPU time of a process and its children, for PostgreSQL (postmaster + backends): live
 * children's own time, plus the time of children that already exited (cutime/cstime).
 */
export function processTreeCpuMs(rootPid: number): number {
  let ticks = 0;
  const root = statFields(rootPid);
  if (root) ticks += Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && Number(fields[1]) === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

/** Machine-wide busy and total CPU time (all cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}
