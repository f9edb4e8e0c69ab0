// A service session end to end, in two browsers: a customer asks, a mechanic accepts, both meet in
// the session, chat both ways live (typing, read receipts), the customer's connection drops and
// comes back without a message lost or doubled, and the mechanic's wrap-up completes the session,
// which the customer then rates.
import { randomUUID } from "node:crypto";
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { separateBrowsers, signUpCustomer } from "./people.ts";

// Created by the demo seed (packages/db/src/seed.ts), which the e2e server runs at start.
const maya = { email: "mechanic@demo.switchboard.dev", password: "demo-mechanic-pass", name: "Maya Torres" };

// The board is shared with other specs' tests; one at a time keeps each test's story its own.
test.describe.configure({ mode: "serial" });

const openBrowser = separateBrowsers();

async function signInAsMechanic(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(maya.email);
  await page.getByLabel("Password").fill(maya.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Open requests" })).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
}

/** Asks for a chat session about a vehicle only this test has; returns its name as pages show it. */
async function askForMechanic(page: Page): Promise<string> {
  const model = `Civic ${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Make").fill("Honda");
  await page.getByLabel("Model").fill(model);
  await page.getByLabel("Year").fill("2016");
  await page.getByLabel("What's wrong?").fill("The battery light comes on after a few minutes of driving.");
  await page.getByLabel("Urgency").selectOption("High");
  await page.getByRole("radio", { name: "Chat" }).check();
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();
  return `2016 Honda ${model}`;
}

/** Opens the session from the person's sessions list ("Now": the ones still going). */
async function openFromList(page: Page, heading: string, vehicle: string): Promise<string> {
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await page
    .getByRole("list", { name: "Now" })
    .getByRole("link", { name: new RegExp(`^${vehicle} — `) })
    .click();
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: vehicle })).toBeVisible();
  return page.url();
}

function messages(page: Page): Locator {
  return page.getByRole("list", { name: "Messages" }).getByRole("listitem");
}

async function write(page: Page, text: string) {
  const box = page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(text);
  await box.press("Enter");
}

/** Maya on her board and a new customer who has just asked for a chat session she can see. */
async function requestOnTheBoard(browser: Browser) {
  const mayaPage = await openBrowser(browser);
  const customerPage = await openBrowser(browser);
  await signInAsMechanic(mayaPage);
  const customerName = await signUpCustomer(customerPage);
  const vehicle = await askForMechanic(customerPage);
  return { mayaPage, customerPage, customerName, vehicle };
}

async function acceptFromBoard(mayaPage: Page, vehicle: string) {
  await mayaPage
    .getByRole("list", { name: "Open requests" })
    .getByRole("listitem", { name: vehicle })
    .getByRole("button", { name: "Accept" })
    .click();
}

test("customer and mechanic meet in the session, chat live through a dropped connection, and wrap it up", async ({
  browser,
}) => {
  const { mayaPage, customerPage, customerName, vehicle } = await requestOnTheBoard(browser);

  await customerPage.evaluate(() => {
    document.documentElement.dataset.e2eNoReload = "yes";
  });
  await acceptFromBoard(mayaPage, vehicle);
  // The hand-over: both are taken to the same session page, the customer without a reload; the
  // mechanic joins it by opening it.
  await expect(mayaPage).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionUrl = mayaPage.url();
  await expect(customerPage).toHaveURL(sessionUrl);
  await expect(customerPage.getByRole("heading", { level: 1, name: vehicle })).toBeVisible();
  expect(await customerPage.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe("yes");
  // Both can find it again in their lists.
  expect(await openFromList(mayaPage, "My sessions", vehicle)).toBe(sessionUrl);
  expect(await openFromList(customerPage, "Your sessions", vehicle)).toBe(sessionUrl);
  await expect(mayaPage.getByText(`In session with ${customerName}`)).toBeVisible();
  await expect(customerPage.getByText("In session with Maya Torres")).toBeVisible();
  await expect(customerPage.getByText("Maya Torres is online")).toBeVisible();
  await expect(mayaPage.getByText(`${customerName} is online`)).toBeVisible();

  // Both ways, live; the other side sees "typing…" and the sender sees it read.
  await customerPage.getByRole("textbox", { name: "Message", exact: true }).fill("Hello, the battery light");
  await expect(mayaPage.getByText(`${customerName} is typing…`)).toBeVisible();
  await customerPage.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
  await expect(messages(mayaPage)).toHaveText([/Hello, the battery light/]);
  await expect(messages(customerPage).last()).toContainText("Read");
  await write(mayaPage, "Does it flicker or stay on?");
  await expect(messages(customerPage)).toHaveText([/Hello, the battery light/, /Does it flicker or stay on\?/]);

  // The customer's connection drops; the mechanic writes twice meanwhile, and the customer once.
  await customerPage.context().setOffline(true);
  await expect(customerPage.getByText("Offline", { exact: true })).toBeVisible();
  await write(mayaPage, "First while you were away");
  await write(mayaPage, "Second while you were away");
  await write(customerPage, "It stays on");
  await expect(messages(customerPage).last()).toContainText("Not sent yet");
  await expect(messages(mayaPage)).toHaveCount(4);

  await customerPage.context().setOffline(false);
  const expected = [
    /Hello, the battery light/,
    /Does it flicker or stay on\?/,
    /First while you were away/,
    /Second while you were away/,
    /It stays on/,
  ];
  await expect(messages(customerPage)).toHaveText(expected);
  await expect(messages(mayaPage)).toHaveText(expected);
  await expect(messages(customerPage).last()).not.toContainText("Not sent yet");
  // Nothing doubled once everything settled (a replay, a retried send).
  await customerPage.waitForTimeout(1_000);
  await expect(messages(customerPage)).toHaveCount(5);
  await expect(messages(mayaPage)).toHaveCount(5);

  // The mechanic completes with a wrap-up; the customer sees it live and the chat closes.
  const wrapUp = mayaPage.getByRole("region", { name: "Wrap up the session" });
  await wrapUp.getByLabel("Diagnosis").fill("The alternator is not charging the battery.");
  await wrapUp.getByLabel("Recommended next steps").fill("Replace the alternator and test the battery.");
  await wrapUp.getByLabel("Estimate in dollars (optional)").fill("420.50");
  await wrapUp.getByRole("button", { name: "Complete session" }).click();
  await expect(mayaPage.getByText("Completed", { exact: true })).toBeVisible();

  const seen = customerPage.getByRole("region", { name: "Your mechanic's wrap-up" });
  await expect(seen).toContainText("The alternator is not charging the battery.");
  await expect(seen).toContainText("Replace the alternator and test the battery.");
  await expect(seen).toContainText("$420.50");
  await expect(customerPage.getByText("This session is complete, so messages can no longer be sent.")).toBeVisible();
  await expect(customerPage.getByRole("textbox", { name: "Message", exact: true })).toHaveCount(0);

  // The customer rates it; the mechanic sees the rating live, and in their sessions list.
  const rating = customerPage.getByRole("region", { name: "Rate this session" });
  await rating.getByRole("radio", { name: "4 stars" }).check();
  await rating.getByLabel("Comment (optional)").fill("Quick and clear, thank you.");
  await rating.getByRole("button", { name: "Send rating" }).click();
  await expect(customerPage.getByRole("region", { name: "Your rating" })).toContainText("4 out of 5 stars");
  await expect(mayaPage.getByRole("region", { name: "The customer's rating" })).toContainText(
    "Quick and clear, thank you.",
  );
  await mayaPage.getByRole("link", { name: "All your sessions" }).click();
  await expect(
    mayaPage.getByRole("list", { name: "Earlier" }).getByRole("listitem").filter({ hasText: vehicle }),
  ).toContainText("rated 4 stars");
  // And their profile counts it.
  await mayaPage.goto("/profile");
  await expect(mayaPage.getByText(/★ from \d+ ratings?/)).toBeVisible();
});

test("a session that isn't there, or isn't yours, says so plainly", async ({ browser }) => {
  const page = await openBrowser(browser);
  await signUpCustomer(page);
  for (const id of ["not-a-session", randomUUID()]) {
    await page.goto(`/sessions/${id}`);
    await expect(page.getByText("We couldn't find that session.")).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Sessions" }),
    ).toHaveAttribute("aria-current", "true");
  }
  await page.goto("/sessions");
  await expect(page.getByRole("heading", { level: 1, name: "Your sessions" })).toBeVisible();
  await expect(page.getByText("No session right now. Ask for a mechanic to start one.")).toBeVisible();
});

test("either side can cancel after confirming; a message written offline meanwhile is refused in words", async ({
  browser,
}) => {
  const { mayaPage, customerPage, customerName, vehicle } = await requestOnTheBoard(browser);
  await acceptFromBoard(mayaPage, vehicle);
  await expect(mayaPage.getByText(`In session with ${customerName}`)).toBeVisible();
  await expect(customerPage.getByText("In session with Maya Torres")).toBeVisible();

  // Asked first, in an accessible dialog: keeping the session changes nothing.
  await mayaPage.getByRole("button", { name: "Cancel session" }).click();
  const dialog = mayaPage.getByRole("alertdialog", { name: "Cancel this session?" });
  await expect(dialog.getByRole("button", { name: "Keep the session" })).toBeFocused();
  await mayaPage.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(mayaPage.getByText(`In session with ${customerName}`)).toBeVisible();

  // The customer goes offline and writes; meanwhile the mechanic cancels.
  await customerPage.context().setOffline(true);
  await write(customerPage, "Are you still there?");
  await expect(messages(customerPage).last()).toContainText("Not sent yet");
  await mayaPage.getByRole("button", { name: "Cancel session" }).click();
  await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(mayaPage.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(mayaPage.getByText("This session was cancelled, so messages can no longer be sent.")).toBeVisible();

  // Back online: the session reads cancelled, and the message says why it was not sent.
  await customerPage.context().setOffline(false);
  await expect(customerPage.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(customerPage.getByText("This session was cancelled, so messages can no longer be sent.")).toBeVisible();
  const refused = messages(customerPage).last();
  await expect(refused).toContainText("Not sent");
  await expect(refused).toContainText("This session has ended");
  await expect(refused.getByRole("button", { name: "Retry" })).toBeVisible();
  await expect(messages(mayaPage)).toHaveCount(0);

  // It is among the finished sessions on both sides.
  for (const [page, heading] of [
    [mayaPage, "My sessions"],
    [customerPage, "Your sessions"],
  ] as const) {
    await page.getByRole("link", { name: "All your sessions" }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(
      page.getByRole("list", { name: "Earlier" }).getByRole("listitem").filter({ hasText: vehicle }),
    ).toContainText("Cancelled");
  }
});
