// Run by `pnpm test:e2e` before Playwright: makes sure the browser tests have a Chromium, so the
// README's two commands stay the whole set-up. Downloads Playwright's Chromium only when neither
// the system's nor an earlier download is there (never on CI, which installs Debian's).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import { chooseBrowser, installFailedMessage, systemChromiumPath } from "./browser-choice.ts";

const systemChromium = systemChromiumPath(process.env);
const choice = chooseBrowser({
  systemChromium,
  systemChromiumExists: existsSync(systemChromium),
  playwrightChromiumExists: existsSync(chromium.executablePath()),
});

if (choice.kind === "install") {
  console.log("No Chromium found for the browser tests; downloading Playwright's (playwright install chromium).");
  const install = spawnSync("pnpm", ["exec", "playwright", "install", "chromium"], { stdio: "inherit" });
  if (install.status !== 0) {
    console.error(`\n${installFailedMessage(process.env)}`);
    process.exit(1);
  }
}
