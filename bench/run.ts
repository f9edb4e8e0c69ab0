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
for (const file of files) {
  console.log(`\n## ${file}`);
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as { run(): Promise<void> };
  await module.run();
}
process.exit(0);
