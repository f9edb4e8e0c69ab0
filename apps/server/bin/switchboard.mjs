#!/usr/bin/env node
// `switchboard start`: runs the TypeScript sources with tsx's loader in this same process, so
// the workspace needs no build step for the server and signals reach the server directly.
import { register } from "node:module";

register("tsx/esm", import.meta.url);
await import("../src/cli.ts");
