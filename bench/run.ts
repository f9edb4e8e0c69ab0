// `pnpm bench`: runs every bench/*.bench.ts in turn. Each benchmark measures a baseline in the
// same run, reports ratios and percentiles, and writes bench/results/<name>.json.
//
// A run never aborts: a benchmark that throws gets a JSON recording its failure (where it did
// not write one itself) and the next benchmark still runs; the exit code is 1 if anything failed.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describeFailure, writeResults } from "./measure.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.startsWith(only)))
  .sort();
// A stray rejection (a socket or timer callback of an arm that already failed) is reported, not fatal.
process.on("unhandledRejection", (reason) => {
  console.error(`unhandled rejection during the benchmarks: ${describeFailure(reason)}`);
  process.exitCode = 1;
});
for (const file of files) {
  console.log(`\n## ${file}`);
  const name = file.replace(/\.bench\.ts$/, "");
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as { run(): Promise<void> };
    await module.run();
  } catch (error) {
    console.error(`${name} failed: ${describeFailure(error)}`);
    writeResults(name, {
      failedArms: ["run"],
      run: { failed: describeFailure(error), afterMs: Math.round(performance.now() - started) },
    });
    process.exitCode = 1;
  }
}
process.exit(process.exitCode ?? 0);
