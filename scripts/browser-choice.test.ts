import { describe, expect, it } from "vitest";
import { chooseBrowser, installFailedMessage, systemChromiumPath } from "./browser-choice.ts";

describe("the browser for the e2e tests", () => {
  it("is the system Chromium whenever it exists, even with Playwright's installed too", () => {
    for (const playwrightChromiumExists of [true, false]) {
      expect(
        chooseBrowser({ systemChromium: "/usr/bin/chromium", systemChromiumExists: true, playwrightChromiumExists }),
      ).toEqual({ kind: "system", path: "/usr/bin/chromium" });
    }
  });

  it("is Playwright's own Chromium when there is no system one but Playwright's is installed", () => {
    expect(
      chooseBrowser({
        systemChromium: "/usr/bin/chromium",
        systemChromiumExists: false,
        playwrightChromiumExists: true,
      }),
    ).toEqual({ kind: "playwright" });
  });

  it("is downloaded only when neither exists", () => {
    expect(
      chooseBrowser({
        systemChromium: "/usr/bin/chromium",
        systemChromiumExists: false,
        playwrightChromiumExists: false,
      }),
    ).toEqual({ kind: "install" });
  });

  it("looks for the system Chromium at CHROMIUM_PATH, else at Debian's /usr/bin/chromium", () => {
    expect(systemChromiumPath({ CHROMIUM_PATH: "/opt/chromium/chrome" })).toBe("/opt/chromium/chrome");
    expect(systemChromiumPath({})).toBe("/usr/bin/chromium");
  });

  it("tells the user how to get a browser when the download fails", () => {
    const message = installFailedMessage({});
    expect(message).toContain("apt-get install chromium");
    expect(message).toContain("CHROMIUM_PATH=");
    expect(installFailedMessage({ CHROMIUM_PATH: "/nowhere/chrome" })).toContain("CHROMIUM_PATH is /nowhere/chrome");
  });
});
