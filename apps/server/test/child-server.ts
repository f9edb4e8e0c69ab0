// Runs `switchboard start` as a real child process for tests that need a whole process:
// start-up refusal, signals, embedded PostgreSQL persistence.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "../src/cli.ts");
// One process (node with tsx's loader, workspace packages from their sources), so signals reach
// the server itself.
const tsxLoader = import.meta.resolve("tsx");

export interface ChildServer {
  process: ChildProcess;
  output(): string;
  /** Resolves with the URL once the server prints that it is ready. */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

export function startChildServer(env: Record<string, string | undefined>): ChildServer {
  const baseEnv = { ...process.env };
  delete baseEnv.DATABASE_URL;
  const child = spawn(process.execPath, ["--conditions=source", "--import", tsxLoader, cli, "start"], {
    env: { ...baseEnv, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Switchboard is ready at (http:\/\/[\d.:]+)/);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited with ${code} before it was ready:\n${output}`)));
  });
  ready.catch(() => {});
  return { process: child, output: () => output, ready, exited };
}
