import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test, type WebSocketRoute } from "@playwright/test";
import { demo, separateBrowsers } from "./people.ts";

const { customer: demoCustomer, coach: demoCoach, owner: demoOwner } = demo;

const offlineMessage = "You're offline, so this wasn't sent. It will work again when the connection is back.";

const openBrowser = separateBrowsers();

/** Signs in without waiting for the navigation: some tests sign in while the live connection is held. */
async function signIn(page: Page, account = demoCustomer, baseURL = "") {
  await page.goto(`${baseURL}/`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The header's small connection indicator (its standing state, in one word). */
function indicator(page: Page) {
  return page.getByText(/^(Connecting…|Live|Reconnecting…|Catching up…|Offline)$/);
}

/** The banner every page shows while live updates are paused (a polite status region). */
function connectionBanner(page: Page) {
  return page.getByRole("status").filter({ hasText: "Live updates are paused" });
}

/**
 * Every WebSocket to /trpc goes through this route to the real server, recording the first
 * message (tRPC's connectionParams). `drop()` closes the current socket and makes new ones wait
 * before reaching the server, as during a server restart, until `restore()`.
 */
async function routeSockets(page: Page) {
  const firstMessages: string[] = [];
  let current: WebSocketRoute | null = null;
  let held: Promise<void> | null = null;
  let release: () => void = () => {};
  await page.routeWebSocket(/\/trpc(\?|$)/, async (socket) => {
    if (held) await held;
    const server = socket.connectToServer();
    let first = true;
    socket.onMessage((message) => {
      if (first) firstMessages.push(String(message));
      first = false;
      server.send(message);
    });
    current = socket;
  });
  return {
    firstMessages,
    async drop() {
      held = new Promise((resolve) => {
        release = resolve;
      });
      await (current as WebSocketRoute | null)?.close({ code: 1012, reason: "test: connection dropped" });
    },
    restore() {
      held = null;
      release();
    },
  };
}

test("a dropped realtime connection shows Reconnecting…, then reconnects with the session token", async ({ page }) => {
  const sockets = await routeSockets(page);
  await signIn(page);
  await expect(indicator(page)).toHaveText("Live");
  const token = await page.evaluate(() => window.localStorage.getItem("switchboard.sessionToken"));
  expect(token).toBeTruthy();
  const connectionParams = JSON.stringify({ method: "connectionParams", data: { token } });
  await expect.poll(() => sockets.firstMessages.at(-1)).toBe(connectionParams);

  const connectionsBefore = sockets.firstMessages.length;
  await sockets.drop();
  await expect(indicator(page)).toHaveText("Reconnecting…");

  sockets.restore();
  await expect(indicator(page)).toHaveText("Live");
  await expect.poll(() => sockets.firstMessages.length).toBe(connectionsBefore + 1);
  expect(sockets.firstMessages.at(-1)).toBe(connectionParams);
});

test("the connection indicator says Offline while the browser has no network", async ({ page, context }) => {
  await signIn(page);
  await expect(indicator(page)).toHaveText("Live");

  await context.setOffline(true);
  await expect(indicator(page)).toHaveText("Offline");

  await context.setOffline(false);
  await expect(indicator(page)).toHaveText("Live");
});

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width} px a lost connection shows a banner in view that says what happens next, gone on recovery`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    const sockets = await routeSockets(page);
    await signIn(page);
    await expect(indicator(page)).toHaveText("Live");
    await expect(connectionBanner(page)).toHaveCount(0);

    await sockets.drop();
    const banner = connectionBanner(page);
    await expect(banner).toBeVisible();
    await expect(banner).toContainText("Connection lost.");
    await expect(banner).toContainText("reconnects by itself");
    await expect(banner).toContainText("changes made meanwhile will appear");
    // Still in view with the page scrolled to its end: on a phone the header is long gone by then.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(banner).toBeInViewport();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const { violations } = await new AxeBuilder({ page }).include(".connection-banner-region").analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

    sockets.restore();
    await expect(indicator(page)).toHaveText("Live");
    await expect(connectionBanner(page)).toHaveCount(0);
  });
}

interface Intake {
  model: string;
}

async function fillIntake(page: Page, { model }: Intake) {
  await page.getByLabel("Make").fill("Honda");
  await page.getByLabel("Model").fill(model);
  await page.getByLabel("Year").fill("2016");
  await page.getByLabel("What's wrong?").fill("Grinding noise from the front left wheel when braking at low speed.");
}

test("an action tried offline is refused in plain words and writes nothing; on recovery the error goes and what changed meanwhile appears", async ({
  browser,
}) => {
  // One customer in two browsers: `here` loses its network, `there` carries on.
  const account = { email: `customer-${randomUUID()}@example.com`, password: "a-long-enough-password" };
  const here = await openBrowser(browser);
  await here.goto("/sign-up");
  await here.getByLabel("Name").fill(`Customer ${randomUUID().slice(0, 8)}`);
  await here.getByLabel("Email").fill(account.email);
  await here.getByLabel("Password").fill(account.password);
  await here.getByRole("button", { name: "Create account" }).click();
  await expect(here.getByRole("heading", { level: 2, name: "Ask for a mechanic" })).toBeVisible();
  await expect(here.getByText("You haven't asked for a mechanic yet.")).toBeVisible();
  await expect(indicator(here)).toHaveText("Live");
  const there = await openBrowser(browser);
  await signIn(there, account);
  await expect(there.getByRole("heading", { level: 2, name: "Ask for a mechanic" })).toBeVisible();

  await here.context().setOffline(true);
  await expect(indicator(here)).toHaveText("Offline");
  await expect(connectionBanner(here)).toContainText("You're offline.");
  await expect(connectionBanner(here)).toContainText("anything you send is refused with a message");

  const refused = { model: `Civic ${randomUUID().slice(0, 8)}` };
  await fillIntake(here, refused);
  await here.getByRole("button", { name: "Send request" }).click();
  await expect(here.getByRole("alert").filter({ hasText: offlineMessage })).toBeVisible();
  // Nothing was lost: the form still holds what was typed.
  await expect(here.getByLabel("Model")).toHaveValue(refused.model);

  // Meanwhile, in the other browser, the same customer asks for a mechanic.
  const meanwhile = { model: `Jazz ${randomUUID().slice(0, 8)}` };
  await fillIntake(there, meanwhile);
  await there.getByRole("button", { name: "Send request" }).click();
  await expect(there.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  await expect(there.getByText("there's no need to reload")).toBeVisible();
  // A page that promises to change by itself says otherwise while its connection is down.
  await there.context().setOffline(true);
  await expect(there.getByText("Live updates are paused until the connection is back")).toBeVisible();
  await there.context().setOffline(false);
  await expect(there.getByText("there's no need to reload")).toBeVisible();

  await here.context().setOffline(false);
  await expect(indicator(here)).toHaveText("Live");
  await expect(connectionBanner(here)).toHaveCount(0);
  await expect(here.getByText(offlineMessage)).toHaveCount(0);
  const recent = here.getByRole("list", { name: "Your recent requests" });
  await expect(recent.getByRole("link", { name: new RegExp(meanwhile.model) })).toBeVisible();
  await expect(recent.getByRole("link", { name: new RegExp(refused.model) })).toHaveCount(0);

  // The refused request was never written: a fresh read has only the other browser's.
  await there.goto("/requests");
  const fresh = there.getByRole("list", { name: "Your recent requests" });
  await expect(fresh.getByRole("link", { name: new RegExp(meanwhile.model) })).toBeVisible();
  await expect(fresh.getByRole("listitem")).toHaveCount(1);
});

test("a chat message tried offline is refused, goes back into the box, and is not stored", async ({
  page,
  context,
}) => {
  await signIn(page, demoCoach);
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Coaching" }).click();
  await page.getByRole("button", { name: "Start a conversation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Open chat — / })).toBeVisible();
  await expect(indicator(page)).toHaveText("Live");

  await context.setOffline(true);
  await expect(indicator(page)).toHaveText("Offline");
  const message = `Offline thought ${randomUUID().slice(0, 8)}`;
  const box = page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(message);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("alert").filter({ hasText: offlineMessage })).toBeVisible();
  await expect(box).toHaveValue(message);
  const conversation = page.getByRole("list", { name: "Conversation", exact: true });
  await expect(conversation.getByText(message)).toHaveCount(0);

  await context.setOffline(false);
  await expect(indicator(page)).toHaveText("Live");
  await expect(page.getByText(offlineMessage)).toHaveCount(0);
  // Never stored: a fresh read of the conversation does not have it.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: /^Open chat — / })).toBeVisible();
  await expect(page.getByText("Say hello, or tell your coach what's on your mind.")).toBeVisible();
});

// AI off, tested for real: a second server process started for this group with no OpenAI
// configured (and its own embedded PostgreSQL, so its background worker never takes jobs the
// main e2e server queued), rather than faking the capability's answer in the browser.
test.describe("on a server with AI off", () => {
  const port = 4176;
  const baseURL = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  let dataDir = "";
  let output = "";

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    // Not created here: the server makes it, so its PostgreSQL user can enter it (mkdtemp's is 0700).
    dataDir = path.join(os.tmpdir(), `switchboard-e2e-ai-off-${randomUUID()}`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL"]) delete env[name];
    server = spawn(process.execPath, ["apps/server/bin/switchboard.mjs", "start"], {
      env: {
        ...env,
        PORT: String(port),
        HOST: "127.0.0.1",
        SWITCHBOARD_DATA_DIR: dataDir,
        MIGRATE_ON_START: "true",
        SEED_DEMO_DATA: "true",
        LOG_LEVEL: "warn",
        SECRETS_KEY: randomBytes(32).toString("base64"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    server.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the AI-off server exited:\n${output}`);
      const healthy = await fetch(`${baseURL}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`the AI-off server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  test.afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      // SIGTERM runs the ordered shutdown, which stops its embedded PostgreSQL cleanly.
      server.kill("SIGTERM");
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("the coach's pages and the agent's test chat say so up front and switch off what can't work", async ({
    browser,
  }) => {
    const coachPage = await openBrowser(browser);
    await signIn(coachPage, demoCoach, baseURL);
    await coachPage.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Coaching" }).click();
    await expect(coachPage.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
    await expect(coachPage.getByText("AI replies are turned off on this server.")).toBeVisible();
    await expect(coachPage.getByText("Your goals, action items, coaching sessions")).toBeVisible();
    await expect(coachPage.getByRole("button", { name: "Summarize today" })).toBeDisabled();

    // Starting a conversation needs no AI; talking in it does.
    await coachPage.getByRole("button", { name: "Start a conversation" }).click();
    await expect(coachPage.getByRole("heading", { level: 1, name: /^Open chat — / })).toBeVisible();
    await expect(coachPage.getByText("AI replies are turned off on this server.")).toBeVisible();
    await expect(coachPage.getByRole("textbox", { name: "Message", exact: true })).toBeDisabled();
    await expect(coachPage.getByRole("button", { name: "Send" })).toBeDisabled();

    const ownerPage = await openBrowser(browser);
    await signIn(ownerPage, demoOwner, baseURL);
    await ownerPage.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Agents" }).click();
    await ownerPage.getByRole("link", { name: "Front desk" }).click();
    const chat = ownerPage.getByRole("region", { name: "Test chat" });
    await expect(chat.getByText("AI replies are turned off on this server.")).toBeVisible();
    await expect(chat.getByRole("textbox", { name: "Message", exact: true })).toBeDisabled();
  });
});
