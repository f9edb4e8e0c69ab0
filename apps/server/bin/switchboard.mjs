#!/usr/bin/env node
// `switchboard start`: runs the built server (dist/, from `pnpm build`) in this same process, so
// signals reach the server directly. `pnpm dev` runs the sources instead.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error("The server is not built yet. Run `pnpm build` (or `pnpm start`, which builds first).");
  process.exit(1);
}
await import(cli.href);
