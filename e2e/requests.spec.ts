import { randomUUID } from "node:crypto";
import { expect, type Locator, type Page, test, type WebSocketRoute } from "@playwright/test";
import { callApi, separateBrowsers, signUpCustomer } from "./people.ts";

// Created by the demo seed (packages/db/src/seed.ts), which the e2e server runs at start.
const maya = { email: "mechanic@demo.switchboard.dev", password: "demo-mechanic-pass", name: "Maya Torres" };
const sam = { email: "mechanic2@demo.switchboard.dev", password: "demo-mechanic-pass", name: "Sam Okafor" };

// The mechanics' board is shared by every test; one at a time keeps each test's story its own.
// Each test signs up its own customer, because a new intake replaces the customer's waiting one.
// The board lists the most urgent first, so this spec's requests are emergencies: at the top,
// whatever other specs left on the board.
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
  await page.getByLabel("Urgency").selectOption("Emergency");
  await page.getByRole("radio", { name: "Video call" }).check();
  await page.getByRole("radio", { name: "Premium" }).check();
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  return idInUrl(page, "requests");
}

function idInUrl(page: Page, under: "requests" | "sessions"): string {
  const match = new RegExp(`/${under}/([0-9a-f-]{36})$`).exec(page.url());
  expect(match, `a /${under}/ page URL, got ${page.url()}`).not.toBeNull();
  return match![1]!;
}

/** The number in the board's live count ("12 open requests"). */
async function boardCount(page: Page): Promise<number> {
  const text = await countLine(page).textContent();
  const match = /^(\d+) open requests?/.exec(text ?? "");
  expect(match, `a count, got "${text}"`).not.toBeNull();
  return Number(match![1]);
}

function countLine(page: Page): Locator {
  return page.locator(".board-count");
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

test("a request reaches every mechanic's board live; the first to accept gets it and both are taken to the session", async ({
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
    await expect(card).toContainText("Emergency urgency");
    await expect(card).toContainText(intake.concern);
    await expect(page.getByText(`New request: ${intake.year} ${intake.make} ${intake.model}`)).toBeVisible();
  }

  // The hand-over: Maya goes to the session; the customer's waiting page becomes it, live, and
  // Back does not return to the waiting page (it was replaced).
  await cardFor(mayaPage, intake).getByRole("button", { name: "Accept" }).click();
  await expect(mayaPage).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionId = idInUrl(mayaPage, "sessions");
  await expect(customerPage).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
  await expect(cardFor(samPage, intake)).toHaveCount(0);
  await expectSameDocument(customerPage);
  await expectSameDocument(samPage);

  // The request's page stays the way there for both: the customer is taken on to the session,
  // the mechanic is offered it beside the customer's concern.
  await customerPage.goto(`/requests/${requestId}`);
  await expect(customerPage).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
  await mayaPage.goto(`/requests/${requestId}`);
  await expect(mayaPage.getByRole("heading", { level: 1, name: "You accepted this request" })).toBeVisible();
  await expect(mayaPage.getByText(intake.concern)).toBeVisible();
  await mayaPage.getByRole("link", { name: "Go to the session" }).click();
  await expect(mayaPage).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
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
  await expect(mayaPage).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  await expect(customerPage).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
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

test("the board filters by urgency and session type from its address, counts live, and loads more on demand", async ({
  page,
  request,
}) => {
  // One more page than the board shows at once (20), each from its own customer: low-urgency chats.
  const tag = randomUUID().slice(0, 8);
  const count = 22;
  const signUpBatch = (i: number | string) =>
    callApi<{ token: string }>(request, "auth.signUp", {
      name: `Batch ${i}`,
      email: `batch-${tag}-${i}@example.com`,
      password: "a-long-enough-password",
    }).then((account) => account.token);
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => signUpBatch(i)));
  const submit = (token: string, model: string, urgency: string, sessionType: string) =>
    callApi<{ requestId: string }>(
      request,
      "requests.submit",
      {
        vehicle: { make: "Volvo", model, year: 2019 },
        concern: "Squeaks over speed bumps since last week.",
        urgency,
        sessionType,
        plan: "basic",
      },
      token,
    ).then((made) => made.requestId);
  const requestIds: string[] = [];
  for (const [i, token] of tokens.entries()) {
    requestIds.push(await submit(token, `Batch ${tag} ${String(i).padStart(2, "0")}`, "low", "chat"));
  }
  const batchName = (i: number) => `2019 Volvo Batch ${tag} ${String(i).padStart(2, "0")}`;
  const batchCard = (i: number) => openRequests(page).getByRole("listitem", { name: batchName(i) });
  const batchCards = openRequests(page)
    .getByRole("listitem")
    .filter({ hasText: `Batch ${tag}` });

  await signInAsMechanic(page, maya);
  await expect(countLine(page)).toHaveText(/^\d+ open requests?$/);

  // The filters are the address's: ticking them narrows the board and its count, and a reload keeps them.
  const filters = page.locator(".board-filters");
  await filters.getByRole("group", { name: "Urgency" }).getByRole("checkbox", { name: "Low" }).check();
  await filters.getByRole("group", { name: "Session type" }).getByRole("checkbox", { name: "Chat" }).check();
  await expect(page).toHaveURL(/urgency=.*low/);
  await expect(page).toHaveURL(/sessionType=.*chat/);
  await expect(countLine(page)).toHaveText(/^\d+ open requests? match(es)? these filters$/);
  await page.reload();
  await expect(filters.getByRole("checkbox", { name: "Low" })).toBeChecked();
  await expect(filters.getByRole("checkbox", { name: "Chat" })).toBeChecked();
  await expect(filters.getByRole("checkbox", { name: "High" })).not.toBeChecked();
  await expect(countLine(page)).toHaveText(/match these filters$/);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  const filtered = await boardCount(page);
  expect(filtered).toBeGreaterThanOrEqual(count);

  // Oldest first within one urgency: the last two of the batch wait for "Load more".
  await expect(batchCard(0)).toBeVisible();
  await expect(batchCard(count - 2)).toHaveCount(0);
  await expect(batchCard(count - 1)).toHaveCount(0);
  for (let more = 0; more < 5 && !(await batchCard(count - 1).isVisible()); more++) {
    const before = await batchCards.count();
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => batchCards.count()).toBeGreaterThan(before);
  }
  await expect(batchCard(count - 1)).toBeVisible();
  // Oldest first, across the pages, each once.
  const oldestFirst = Array.from({ length: count }, (_, i) => batchName(i));
  await expect(batchCards.getByRole("heading", { level: 3 })).toHaveText(oldestFirst);

  // Live: a request the filters list arrives and counts; one they don't list does neither.
  const [lowToken, highToken] = await Promise.all([signUpBatch("low"), signUpBatch("high")]);
  await submit(highToken, `Batch ${tag} high`, "high", "chat");
  const lowId = await submit(lowToken, `Batch ${tag} late`, "low", "chat");
  await expect(openRequests(page).getByRole("listitem", { name: `2019 Volvo Batch ${tag} late` })).toBeVisible();
  await expect(countLine(page)).toHaveText(`${filtered + 1} open requests match these filters`);
  await expect(openRequests(page).getByRole("listitem", { name: `2019 Volvo Batch ${tag} high` })).toHaveCount(0);

  // Their customers cancel them all: every card leaves the board live, from either page, and the count follows.
  for (const [i, token] of tokens.entries()) {
    await callApi(request, "requests.cancel", { requestId: requestIds[i] }, token);
  }
  await callApi(request, "requests.cancel", { requestId: lowId }, lowToken);
  await expect(batchCards).toHaveCount(0);
  await expect(countLine(page)).toHaveText(
    `${filtered - count} open ${filtered - count === 1 ? "request matches" : "requests match"} these filters`,
  );

  // "Show every request" turns the filters off, and the high one is there.
  await page.getByRole("button", { name: "Show every request" }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await expect(openRequests(page).getByRole("listitem", { name: `2019 Volvo Batch ${tag} high` })).toBeVisible();
});

test("a customer with a request still waiting is asked before a new one replaces it", async ({ browser }) => {
  const mayaPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);
  await signInAsMechanic(mayaPage, maya);
  await signUpCustomer(customerPage);
  await expect(customerPage.getByText("You already have a request waiting")).toHaveCount(0);

  const first = uniqueIntake();
  const firstId = await askForMechanic(customerPage, first);
  await expect(cardFor(mayaPage, first)).toBeVisible();

  // Back on the intake: it says so before anything is sent.
  await customerPage.getByRole("link", { name: "All your requests" }).click();
  const note = "You already have a request waiting for a mechanic. Sending this one replaces it.";
  await expect(customerPage.getByText(note)).toBeVisible();
  await expect(customerPage.getByRole("button", { name: "Send request" })).toHaveAccessibleDescription(
    new RegExp(note.replace(/\./g, "\\.")),
  );

  const second = uniqueIntake();
  await fillIntake(customerPage, second);
  await customerPage.getByLabel("Urgency").selectOption("Emergency");
  await customerPage.getByRole("button", { name: "Send request" }).click();
  const dialog = customerPage.getByRole("alertdialog", { name: "Replace your waiting request?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(note);
  // "Keep the waiting one" sends nothing.
  await expect(dialog.getByRole("button", { name: "Keep the waiting one" })).toBeFocused();
  await dialog.getByRole("button", { name: "Keep the waiting one" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(customerPage.getByRole("button", { name: "Send request" })).toBeFocused();
  await expect(customerPage).toHaveURL(/\/requests$/);
  const recent = customerPage.getByRole("list", { name: "Your recent requests" });
  await expect(recent.getByRole("listitem")).toHaveCount(1);
  await expect(cardFor(mayaPage, second)).toHaveCount(0);

  // Confirmed: the new one is sent and the old one leaves the board.
  await customerPage.getByRole("button", { name: "Send request" }).click();
  await dialog.getByRole("button", { name: "Send and replace it" }).click();
  await expect(customerPage.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  const secondId = idInUrl(customerPage, "requests");
  expect(secondId).not.toBe(firstId);
  await expect(cardFor(mayaPage, second)).toBeVisible();
  await expect(cardFor(mayaPage, first)).toHaveCount(0);

  // The old one says what happened to it, never "cancelled".
  await customerPage.getByRole("link", { name: "All your requests" }).click();
  const oldLine = recent.getByRole("listitem").filter({ hasText: first.model });
  await expect(oldLine).toContainText("Replaced by your newer request");
  await expect(oldLine).not.toContainText("Cancelled");
  await expect(recent.getByRole("listitem").filter({ hasText: second.model })).toContainText("Waiting for a mechanic");
  await oldLine.getByRole("link").click();
  await expect(customerPage.getByRole("heading", { level: 1, name: "Replaced by your newer request" })).toBeVisible();
  await expect(customerPage.getByText("Request cancelled")).toHaveCount(0);
  await customerPage.getByRole("link", { name: "See your newer request" }).click();
  await expect(customerPage).toHaveURL(new RegExp(`/requests/${secondId}$`));
});

test("a customer whose waiting request the page hadn't heard of yet is asked too (the server's answer)", async ({
  page,
  request,
}) => {
  const account = {
    name: `Customer ${randomUUID().slice(0, 8)}`,
    email: `customer-${randomUUID()}@example.com`,
    password: "a-long-enough-password",
  };
  const { token } = await callApi<{ token: string }>(request, "auth.signUp", account);
  // Live updates held back, as on a slow connection (keep-alive answers pass, so the socket stays up).
  let holding = false;
  await page.routeWebSocket(/\/trpc(\?|$)/, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      if (message === "PONG" || !holding) socket.send(message);
    });
  });
  await page.goto("/");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("You haven't asked for a mechanic yet.")).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  // Sent from another tab meanwhile; this page hears nothing of it.
  holding = true;
  const other = uniqueIntake();
  await callApi(
    request,
    "requests.submit",
    {
      vehicle: { make: other.make, model: other.model, year: Number(other.year) },
      concern: other.concern,
      urgency: "low",
      sessionType: "chat",
      plan: "basic",
    },
    token,
  );
  await expect(page.getByText("You already have a request waiting")).toHaveCount(0);

  const intake = uniqueIntake();
  await fillIntake(page, intake);
  await page.getByRole("button", { name: "Send request" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Replace your waiting request?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Send and replace it" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  holding = false;
  await page.goto("/requests");
  const recent = page.getByRole("list", { name: "Your recent requests" });
  await expect(recent.getByRole("listitem").filter({ hasText: other.model })).toContainText(
    "Replaced by your newer request",
  );
});

test("a mechanic's profile is its own page, with how customers rated them; the board has no form", async ({
  browser,
}) => {
  const mayaPage = await openBrowser(browser);
  await signInAsMechanic(mayaPage, maya);
  await expect(mayaPage.getByLabel("Display name")).toHaveCount(0);

  await mayaPage.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Profile" }).click();
  await expect(mayaPage).toHaveURL(/\/profile$/);
  await expect(mayaPage.getByRole("heading", { level: 1, name: "Your profile" })).toBeVisible();
  await expect(mayaPage.locator(".rating-summary")).toHaveText(/^(No ratings yet|\d(\.\d)? ★ from \d+ ratings?)$/);
  await expect(mayaPage.getByLabel("Display name")).toHaveValue(maya.name);
  await mayaPage.getByLabel("Specialties").fill("brakes, hybrids");
  await mayaPage.getByRole("button", { name: "Save profile" }).click();
  await expect(mayaPage.getByText("Profile saved.")).toBeVisible();
  await mayaPage.reload();
  await expect(mayaPage.getByLabel("Specialties")).toHaveValue("brakes, hybrids");

  // A customer has no profile here: no navigation entry, and the address says so plainly.
  const customerPage = await openBrowser(browser);
  await signUpCustomer(customerPage);
  await expect(
    customerPage.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Profile" }),
  ).toHaveCount(0);
  await customerPage.goto("/profile");
  await expect(customerPage.getByText("Profiles are for mechanics")).toBeVisible();
});
