#!/usr/bin/env node
// `switchboard start`: runs the built server (dist/, from `pnpm build`) in this same process, so
// signals reach the server directly. `pnpm dev` runs the sources instead.
await import("../dist/cli.js");
