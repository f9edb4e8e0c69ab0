import { randomUUID } from "node:crypto";
import { expect, type Locator, type Page, test, type WebSocketRoute } from "@playwright/test";
import { callApi, separateBrowsers } from "./people.ts";

// Created by the demo seed (packages/db/src/seed.ts), which the e2e server runs at start.
const maya = { email: "mechanic@demo.switchboard.dev", password: "demo-mechanic-pass", name: "Maya Torres" };
const sam = { email: "mechanic2@demo.switchboard.dev", password: "demo-mechanic-pass", name: "Sam Okafor" };

// The mechanics' board is shared by every test; one at a time keeps each test's story its own.
// Each test signs up its own customer, because a new intake cancels the customer's older ones.
test.describe.configure({ mode: "serial" });

const openBrowser = separateBrowsers();

async function signInAsMechanic(page: Page, mechanic: { email: string; password: string }) {
  await page.goto("/");
  await page.getByLabel("Email").fill(mechanic.email);
  await page.getByLabel("Password").fill(mechanic.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Open requests" })).toBeVisible();
  // The board has been read (it has cards or says it has none), so what follows arrives live.
  await expect(openRequests(page).or(page.getByText("No open requests right now."))).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
}

async function signUpCustomer(page: Page): Promise<string> {
  const name = `Customer ${randomUUID().slice(0, 8)}`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(`customer-${randomUUID()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Ask for a mechanic" })).toBeVisible();
  return name;
}

interface Intake {
  make: string;
  model: string;
  year: string;
  concern: string;
}

function uniqueIntake(): Intake {
  return {
    make: "Honda",
    model: `Civic ${randomUUID().slice(0, 8)}`,
    year: "2016",
    concern: "Grinding noise from the front left wheel when braking at low speed.",
  };
}

async function fillIntake(page: Page, intake: Partial<Intake>) {
  if (intake.make !== undefined) await page.getByLabel("Make").fill(intake.make);
  if (intake.model !== undefined) await page.getByLabel("Model").fill(intake.model);
  if (intake.year !== undefined) await page.getByLabel("Year").fill(intake.year);
  if (intake.concern !== undefined) await page.getByLabel("What's wrong?").fill(intake.concern);
}

/** Submits an intake and waits for its waiting page; returns the request id from the URL. */
async function askForMechanic(page: Page, intake: Intake): Promise<string> {
  await fillIntake(page, intake);
  await page.getByLabel("Urgency").selectOption("High");
  await page.getByRole("radio", { name: "Video call" }).check();
  await page.getByRole("radio", { name: "Premium" }).check();
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  const match = /\/requests\/([0-9a-f-]{36})$/.exec(page.url());
  expect(match, `a request page URL, got ${page.url()}`).not.toBeNull();
  return match![1]!;
}

function openRequests(page: Page): Locator {
  return page.getByRole("list", { name: "Open requests" });
}

/** This test's card, found by its vehicle (the model is unique), whatever else is on the board. */
function cardFor(page: Page, intake: Intake): Locator {
  return openRequests(page).getByRole("listitem", { name: `${intake.year} ${intake.make} ${intake.model}` });
}

/** Marks the document, so a later check can tell that what changed came live, not by a reload. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    document.documentElement.dataset.e2eNoReload = "yes";
  });
}

async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe("yes");
}

test("a request reaches every mechanic's board live; the first to accept gets it and the customer sees who", async ({
  browser,
}) => {
  const mayaPage = await openBrowser(browser);
  const samPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);
  await signInAsMechanic(mayaPage, maya);
  await signInAsMechanic(samPage, sam);
  await markDocument(mayaPage);
  await markDocument(samPage);
  await signUpCustomer(customerPage);

  const intake = uniqueIntake();
  const requestId = await askForMechanic(customerPage, intake);
  await expect(customerPage.getByRole("button", { name: "Cancel request" })).toBeVisible();
  await markDocument(customerPage);

  for (const page of [mayaPage, samPage]) {
    const card = cardFor(page, intake);
    await expect(card).toBeVisible();
    await expect(card).toContainText("New");
    await expect(card).toContainText("High urgency");
    await expect(card).toContainText(intake.concern);
    await expect(page.getByText(`New request: ${intake.year} ${intake.make} ${intake.model}`)).toBeVisible();
  }

  await cardFor(mayaPage, intake).getByRole("button", { name: "Accept" }).click();
  await expect(mayaPage).toHaveURL(new RegExp(`/requests/${requestId}$`));
  await expect(mayaPage.getByRole("heading", { level: 1, name: "You accepted this request" })).toBeVisible();
  await expect(mayaPage.getByText(intake.concern)).toBeVisible();

  await expect(customerPage.getByRole("heading", { level: 1 })).toHaveText("Accepted by Maya Torres");
  await expect(customerPage.getByRole("button", { name: "Cancel request" })).toHaveCount(0);
  await expect(cardFor(samPage, intake)).toHaveCount(0);

  await expectSameDocument(customerPage);
  await expectSameDocument(samPage);
});

test("an incomplete or invalid intake is explained under its fields and sends nothing", async ({ page }) => {
  await signUpCustomer(page);
  await expect(page.getByText("You haven't asked for a mechanic yet.")).toBeVisible();

  // Nothing filled in: the browser says what is missing, field by field.
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please check the fields marked below.");
  await expect(page.getByLabel("Make")).toHaveAccessibleDescription("Enter the make of your vehicle.");
  await expect(page.getByLabel("Model")).toHaveAccessibleDescription("Enter the model of your vehicle.");
  await expect(page.getByLabel("Year")).toHaveAccessibleDescription("Enter the year of your vehicle.");
  await expect(page.getByLabel("What's wrong?")).toHaveAccessibleDescription(/Describe the problem\./);
  await expect(page.getByLabel("Make")).toBeFocused();

  // Filled in, but a year and a description the server won't take: its messages, under the same fields.
  await fillIntake(page, {
    make: "Ford",
    model: `Model T ${randomUUID().slice(0, 8)}`,
    year: "1800",
    concern: "noise",
  });
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByLabel("Year")).toHaveAccessibleDescription("We can help with vehicles from 1950 on.");
  await expect(page.getByLabel("What's wrong?")).toHaveAccessibleDescription(
    /Describe the problem in at least 10 characters\./,
  );
  await expect(page.getByLabel("Make")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Year")).toBeFocused();
  await expect(page.getByRole("alert")).toHaveText("Please check the fields marked below.");
  await expect(page).toHaveURL(/\/requests$/);

  // Nothing was written: after a reload the customer still has no requests.
  await page.reload();
  await expect(page.getByText("You haven't asked for a mechanic yet.")).toBeVisible();
});

test("a request page for a request that isn't there says so plainly", async ({ page }) => {
  await signUpCustomer(page);
  for (const id of ["not-a-request", randomUUID()]) {
    await page.goto(`/requests/${id}`);
    await expect(page.getByText("We couldn't find that request.")).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Requests" }),
    ).toHaveAttribute("aria-current", "true");
  }
});

test("a customer who cancels while waiting takes the card off the board", async ({ browser }) => {
  const mayaPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);
  await signInAsMechanic(mayaPage, maya);
  await signUpCustomer(customerPage);

  const intake = uniqueIntake();
  await askForMechanic(customerPage, intake);
  await expect(cardFor(mayaPage, intake)).toBeVisible();

  // Asked once more in an accessible dialog: "Keep waiting" (or Escape) changes nothing.
  await customerPage.getByRole("button", { name: "Cancel request" }).click();
  const dialog = customerPage.getByRole("alertdialog", { name: "Cancel this request?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Keep waiting" })).toBeFocused();
  await customerPage.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(customerPage.getByRole("button", { name: "Cancel request" })).toBeFocused();
  await expect(cardFor(mayaPage, intake)).toBeVisible();

  await customerPage.getByRole("button", { name: "Cancel request" }).click();
  await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(customerPage.getByRole("heading", { level: 1, name: "Request cancelled" })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(cardFor(mayaPage, intake)).toHaveCount(0);

  await customerPage.getByRole("link", { name: "All your requests" }).click();
  const recent = customerPage.getByRole("list", { name: "Your recent requests" });
  await expect(recent.getByRole("listitem").filter({ hasText: intake.model })).toContainText("Cancelled");
});

test("a mechanic who loses the race is told plainly, and the card leaves their board", async ({ browser }) => {
  const mayaPage = await openBrowser(browser);
  const samPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);

  // Sam's live updates can be held back, as on a slow connection, so he still sees the card
  // after Maya has taken it. Keep-alive answers always pass, so the socket stays up.
  let holding = false;
  const held: (() => void)[] = [];
  await samPage.routeWebSocket(/\/trpc(\?|$)/, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      const deliver = () => socket.send(message);
      if (holding && message !== "PONG") held.push(deliver);
      else deliver();
    });
  });

  await signInAsMechanic(mayaPage, maya);
  await signInAsMechanic(samPage, sam);
  await signUpCustomer(customerPage);
  const intake = uniqueIntake();
  await askForMechanic(customerPage, intake);
  await expect(cardFor(samPage, intake)).toBeVisible();
  await expect(cardFor(mayaPage, intake)).toBeVisible();

  holding = true;
  await cardFor(mayaPage, intake).getByRole("button", { name: "Accept" }).click();
  await expect(mayaPage.getByRole("heading", { level: 1, name: "You accepted this request" })).toBeVisible();
  await expect(customerPage.getByRole("heading", { level: 1 })).toHaveText("Accepted by Maya Torres");
  await expect(cardFor(samPage, intake)).toBeVisible();

  await cardFor(samPage, intake).getByRole("button", { name: "Accept" }).click();
  await expect(samPage.getByRole("alert")).toHaveText("Another mechanic accepted this request.");
  await expect(cardFor(samPage, intake)).toHaveCount(0);
  await expect(samPage).toHaveURL(/\/requests$/);

  // The held "accepted" event arrives late and changes nothing.
  holding = false;
  for (const deliver of held.splice(0)) deliver();
  await expect(cardFor(samPage, intake)).toHaveCount(0);
  await expect(samPage.getByText("Live", { exact: true })).toBeVisible();
});

test("a mechanic whose connection drops catches up on the requests made meanwhile", async ({ browser }) => {
  const mayaPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);

  // Maya's WebSocket goes through here; while `held` is set, a reconnect waits, as while a
  // server restarts, so the request below is made while she is offline.
  let current: WebSocketRoute | null = null;
  let held: Promise<void> | null = null;
  let release: () => void = () => {};
  await mayaPage.routeWebSocket(/\/trpc(\?|$)/, async (socket) => {
    if (held) await held;
    socket.connectToServer();
    current = socket;
  });

  await signInAsMechanic(mayaPage, maya);
  await signUpCustomer(customerPage);

  held = new Promise((resolve) => {
    release = resolve;
  });
  await (current as WebSocketRoute | null)?.close({ code: 1012, reason: "test: connection dropped" });
  await expect(mayaPage.getByText("Reconnecting…", { exact: true })).toBeVisible();

  const intake = uniqueIntake();
  await askForMechanic(customerPage, intake);
  await expect(cardFor(mayaPage, intake)).toHaveCount(0);

  held = null;
  release();
  await expect(mayaPage.getByText("Live", { exact: true })).toBeVisible();
  await expect(cardFor(mayaPage, intake)).toBeVisible();
  await expect(cardFor(mayaPage, intake)).toContainText("New");
});

test("the board lists the newest open requests first and loads older ones on demand", async ({ page, request }) => {
  // One more page than the board shows at once (20), each from its own customer.
  const tag = randomUUID().slice(0, 8);
  const count = 22;
  const tokens = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const account = {
        name: `Batch ${i}`,
        email: `batch-${tag}-${i}@example.com`,
        password: "a-long-enough-password",
      };
      return (await callApi<{ token: string }>(request, "auth.signUp", account)).token;
    }),
  );
  const requestIds: string[] = [];
  for (const [i, token] of tokens.entries()) {
    const intake = {
      vehicle: { make: "Volvo", model: `Batch ${tag} ${String(i).padStart(2, "0")}`, year: 2019 },
      concern: "Squeaks over speed bumps since last week.",
      urgency: "low",
      sessionType: "chat",
      plan: "basic",
    };
    requestIds.push((await callApi<{ requestId: string }>(request, "requests.submit", intake, token)).requestId);
  }
  const batchName = (i: number) => `2019 Volvo Batch ${tag} ${String(i).padStart(2, "0")}`;
  const batchCard = (i: number) => openRequests(page).getByRole("listitem", { name: batchName(i) });
  const batchCards = openRequests(page)
    .getByRole("listitem")
    .filter({ hasText: `Batch ${tag}` });

  await signInAsMechanic(page, maya);
  await expect(batchCard(count - 1)).toBeVisible();
  await expect(batchCard(2)).toBeVisible();
  await expect(batchCard(1)).toHaveCount(0);
  await expect(batchCard(0)).toHaveCount(0);

  await page.getByRole("button", { name: "Load more" }).click();
  await expect(batchCard(1)).toBeVisible();
  await expect(batchCard(0)).toBeVisible();
  // Newest first, across both pages, each once.
  const newestFirst = Array.from({ length: count }, (_, i) => batchName(count - 1 - i));
  await expect(batchCards.getByRole("heading", { level: 3 })).toHaveText(newestFirst);

  // Their customers cancel them all: every card leaves the board live, from either page.
  for (const [i, token] of tokens.entries()) {
    await callApi(request, "requests.cancel", { requestId: requestIds[i] }, token);
  }
  await expect(
    openRequests(page)
      .getByRole("listitem")
      .filter({ hasText: `Batch ${tag}` }),
  ).toHaveCount(0);
});
