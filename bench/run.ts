// `pnpm bench`: runs every bench/*.bench.ts in turn. Each benchmark measures a baseline in the
// same run, reports ratios and percentiles, and writes bench/results/<name>.json.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.startsWith(only)))
  .sort();
// A benchmark that throws does not stop the ones after it; the run then exits non-zero.
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  try {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as { run(): Promise<void> };
    await module.run();
  } catch (error) {
    failed++;
    console.error(`${file} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
