// Which Chromium the browser tests run in, decided in one place for playwright.config.ts and for
// ensure-browser.ts (run by `pnpm test:e2e` before Playwright): the system's Chromium when there
// is one (CI, Debian machines: `apt-get install chromium`), else the one Playwright installs.

/** The system Chromium Playwright should launch: CHROMIUM_PATH, or Debian's package. */
export function systemChromiumPath(env: NodeJS.ProcessEnv): string {
  return env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export type BrowserChoice =
  | { kind: "system"; path: string }
  | { kind: "playwright" }
  /** Neither is present: download Playwright's Chromium (`playwright install chromium`). */
  | { kind: "install" };

export function chooseBrowser(found: {
  systemChromium: string;
  systemChromiumExists: boolean;
  playwrightChromiumExists: boolean;
}): BrowserChoice {
  if (found.systemChromiumExists) return { kind: "system", path: found.systemChromium };
  if (found.playwrightChromiumExists) return { kind: "playwright" };
  return { kind: "install" };
}

/** What to tell the user when Playwright's download failed (no internet, a proxy, a full disk). */
export function installFailedMessage(env: NodeJS.ProcessEnv): string {
  const missing = env.CHROMIUM_PATH
    ? `CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which does not exist, and Playwright's own Chromium`
    : "No Chromium was found at /usr/bin/chromium, and Playwright's own Chromium";
  return [
    `${missing} could not be downloaded (see the output above).`,
    "The browser tests need one of:",
    "  - Debian's Chromium:  sudo apt-get install chromium   (found at /usr/bin/chromium)",
    "  - any Chromium:       CHROMIUM_PATH=/path/to/chromium pnpm test",
    "  - Playwright's:       pnpm exec playwright install chromium   (needs internet)",
  ].join("\n");
}
