import { expect, type Page, test, type WebSocketRoute } from "@playwright/test";

const demoCustomer = { email: "customer@demo.switchboard.dev", password: "demo-customer-pass" };

async function signIn(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(demoCustomer.email);
  await page.getByLabel("Password").fill(demoCustomer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a dropped realtime connection shows Reconnecting…, then reconnects with the session token", async ({ page }) => {
  // Every WebSocket to /trpc goes through this route to the real server, recording the first
  // message (tRPC's connectionParams). While `held` is set, new connections wait before
  // reaching the server, as during a server restart.
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

  await signIn(page);
  const indicator = page.getByRole("status");
  await expect(indicator).toHaveText("Live");
  const token = await page.evaluate(() => window.localStorage.getItem("switchboard.sessionToken"));
  expect(token).toBeTruthy();
  const connectionParams = JSON.stringify({ method: "connectionParams", data: { token } });
  await expect.poll(() => firstMessages.at(-1)).toBe(connectionParams);

  held = new Promise((resolve) => {
    release = resolve;
  });
  const connectionsBefore = firstMessages.length;
  await (current as WebSocketRoute | null)?.close({ code: 1012, reason: "test: connection dropped" });
  await expect(indicator).toHaveText("Reconnecting…");

  held = null;
  release();
  await expect(indicator).toHaveText("Live");
  await expect.poll(() => firstMessages.length).toBe(connectionsBefore + 1);
  expect(firstMessages.at(-1)).toBe(connectionParams);
});

test("the connection indicator says Offline while the browser has no network", async ({ page, context }) => {
  await signIn(page);
  const indicator = page.getByRole("status");
  await expect(indicator).toHaveText("Live");

  await context.setOffline(true);
  await expect(indicator).toHaveText("Offline");

  await context.setOffline(false);
  await expect(indicator).toHaveText("Live");
});
