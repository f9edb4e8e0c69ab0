// End-to-end tests: the built server (plain node, dist/), which serves the built dashboard, in
// Debian's Chromium. `pnpm test:e2e` builds both first (turbo, cached) and makes sure there is a
// Chromium (scripts/ensure-browser.ts); the server starts its own embedded PostgreSQL in a fresh
// directory per run, or uses DATABASE_URL when it is set.
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { systemChromiumPath } from "./scripts/browser-choice.ts";

const port = 4173;
const baseURL = `http://127.0.0.1:${port}`;
// The OpenAI wire fake (e2e/openai-fake-server.ts) on a fixed port, so the server's AI
// features are on and talk to it: replies echo "You said: <message>", a word at a time.
const openAIFakePort = 4180;

// The system Chromium when there is one (CI, our machines); otherwise Playwright's own build,
// on a developer machine that has installed it.
const systemChromium = systemChromiumPath(process.env);
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;

// Playwright loads this file in the runner and again in every worker; the runner picks the
// directory and the workers inherit it, so they all agree. Only the runner removes it, at exit,
// after the server (and its PostgreSQL) has been stopped.
const dataDirVariable = "SWITCHBOARD_E2E_DATA_DIR";
let dataDir = process.env[dataDirVariable];
if (!dataDir) {
  const freshDir = path.join(os.tmpdir(), `switchboard-e2e-${Date.now()}`);
  process.env[dataDirVariable] = freshDir;
  process.on("exit", () => rmSync(freshDir, { recursive: true, force: true }));
  dataDir = freshDir;
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: "list",
  forbidOnly: Boolean(process.env.CI),
  use: {
    baseURL,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Video calls: a fake camera and microphone (a test pattern and a tone), and the
            // permission prompt answered yes, so two contexts can call each other on loopback.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: "node --import tsx e2e/openai-fake-server.ts",
      port: openAIFakePort,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { OPENAI_FAKE_PORT: String(openAIFakePort) },
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // node itself, not a pnpm script: Playwright's SIGTERM reaches the server, and no package
      // manager reports the stopped process as a failed command.
      command: "node apps/server/bin/switchboard.mjs start",
      url: `${baseURL}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        SWITCHBOARD_DATA_DIR: dataDir,
        // The tests sign in as the demo accounts, so a DATABASE_URL database gets them too
        // (both default to on only for embedded PostgreSQL).
        MIGRATE_ON_START: "true",
        SEED_DEMO_DATA: "true",
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        OPENAI_API_KEY: "sk-e2e",
        OPENAI_BASE_URL: `http://127.0.0.1:${openAIFakePort}/v1`,
        // Seals reveal material and tenants' keys; with a DATABASE_URL there is no generated key file.
        SECRETS_KEY: process.env.SECRETS_KEY ?? randomBytes(32).toString("base64"),
        // Every browser here is 127.0.0.1: one network signing up and in dozens of times.
        THROTTLE_LIMITS: JSON.stringify({
          signUpClient: { points: 1000, seconds: 3600 },
          signInClient: { points: 1000, seconds: 900 },
        }),
      },
      stdout: "pipe",
      stderr: "pipe",
      // SIGTERM runs the server's ordered shutdown, which stops embedded PostgreSQL cleanly.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
  ],
});
