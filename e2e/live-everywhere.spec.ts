import { randomUUID } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { demo, separateBrowsers, signIn } from "./people.ts";

// The rule "every list or number that can change is live" (dashboard api/use-live-query.ts),
// checked once per product: two browser contexts — two people, or the same person in two
// browsers where the product is personal — and a change made in one appears in the other
// without a reload. Accounts come from the demo seed (packages/db/src/seed.ts); the e2e server's
// OpenAI is the local fake (e2e/openai-fake-server.ts), answering "You said: <message>".
const { mechanic, owner, coach } = demo;

// Other specs share the seeded accounts; one at a time keeps each test's counts its own.
test.describe.configure({ mode: "serial" });

const openBrowser = separateBrowsers();

async function openProductLink(page: Page, product: string) {
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: product }).click();
}

async function openProduct(page: Page, product: string) {
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: product }).click();
  await expect(page.getByRole("heading", { level: 1, name: product })).toBeVisible();
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

/** The first whole number in a text ("3 conversations" → 3). */
function firstNumber(text: string | null): number {
  const match = /\d+/.exec(text ?? "");
  if (!match) throw new Error(`no number in "${text}"`);
  return Number(match[0]);
}

test("requests: a customer's request appears on a mechanic's board", async ({ browser }) => {
  const board = await openBrowser(browser);
  await signIn(board, mechanic);
  await expect(board.getByRole("heading", { level: 2, name: "Open requests" })).toBeVisible();
  await expect(
    board.getByRole("list", { name: "Open requests" }).or(board.getByText("No open requests right now.")),
  ).toBeVisible();
  await expect(board.getByText("Live", { exact: true })).toBeVisible();
  await markDocument(board);

  const customer = await openBrowser(browser);
  await customer.goto("/sign-up");
  await customer.getByLabel("Name").fill(`Customer ${randomUUID().slice(0, 8)}`);
  await customer.getByLabel("Email").fill(`customer-${randomUUID()}@example.com`);
  await customer.getByLabel("Password").fill("a-long-enough-password");
  await customer.getByRole("button", { name: "Create account" }).click();
  const model = `Corolla ${randomUUID().slice(0, 8)}`;
  await customer.getByLabel("Make").fill("Toyota");
  await customer.getByLabel("Model").fill(model);
  await customer.getByLabel("Year").fill("2019");
  await customer.getByLabel("What's wrong?").fill("The battery light comes on after a few minutes of driving.");
  await customer.getByRole("button", { name: "Send request" }).click();
  await expect(customer.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();

  const card = board
    .getByRole("list", { name: "Open requests" })
    .getByRole("listitem", { name: `2019 Toyota ${model}` });
  await expect(card).toBeVisible();
  await expectSameDocument(board);
});

test("requests: the customer's recent requests in a second browser follow a new request", async ({ browser }) => {
  const first = await openBrowser(browser);
  const email = `customer-${randomUUID()}@example.com`;
  await first.goto("/sign-up");
  await first.getByLabel("Name").fill(`Customer ${randomUUID().slice(0, 8)}`);
  await first.getByLabel("Email").fill(email);
  await first.getByLabel("Password").fill("a-long-enough-password");
  await first.getByRole("button", { name: "Create account" }).click();
  await expect(first.getByText("You haven't asked for a mechanic yet.")).toBeVisible();
  await markDocument(first);

  const second = await openBrowser(browser);
  await signIn(second, { email, password: "a-long-enough-password" });
  const model = `Golf ${randomUUID().slice(0, 8)}`;
  await second.getByLabel("Make").fill("Volkswagen");
  await second.getByLabel("Model").fill(model);
  await second.getByLabel("Year").fill("2015");
  await second.getByLabel("What's wrong?").fill("The engine hesitates when accelerating from a stop.");
  await second.getByRole("button", { name: "Send request" }).click();
  await expect(second.getByRole("heading", { level: 1, name: "Waiting for a mechanic…" })).toBeVisible();

  const recent = first.getByRole("list", { name: "Your recent requests" });
  await expect(recent.getByRole("listitem").filter({ hasText: `2015 Volkswagen ${model}` })).toBeVisible();
  await expectSameDocument(first);
});

test("onboarding: a setup started in one tab shows in the other tab's list, and finishes there", async ({
  context,
}) => {
  const first = await context.newPage();
  await first.goto("/sign-up");
  await first.getByLabel("Name").fill(`Owner ${randomUUID().slice(0, 8)}`);
  await first.getByLabel("Email").fill(`owner-${randomUUID()}@example.com`);
  await first.getByLabel("Password").fill("a-long-enough-password");
  await first.getByRole("button", { name: "Create account" }).click();
  await openProductLink(first, "Onboarding");
  await expect(first.getByText("You haven't started an onboarding yet.")).toBeVisible();
  await markDocument(first);

  // The same person in a second tab (the session is shared through the browser's storage).
  const second = await context.newPage();
  await second.goto("/");
  await openProductLink(second, "Onboarding");
  const businessName = `Corner Bakery ${randomUUID().slice(0, 8)}`;
  await second.getByLabel("Business name").fill(businessName);
  await second.getByLabel("Industry").fill("Bakery");
  await second.getByLabel("Email").fill(`hello-${randomUUID().slice(0, 8)}@example.com`);
  await second.getByLabel("Phone").fill("+1 (555) 010-2030");
  await second.getByLabel("Website").fill("https://bakery.example.com");
  await second.getByRole("radio", { name: /^Growth/ }).check();
  await second.getByRole("button", { name: "Start setup" }).click();
  await expect(second).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);

  const listed = first
    .getByRole("list", { name: "Your onboardings" })
    .getByRole("listitem")
    .filter({ hasText: businessName });
  await expect(listed).toBeVisible();
  await expect(listed).toContainText("Ready", { timeout: 15_000 });
  await expectSameDocument(first);
});

test("agents: a conversation on the test panel shows in the list's count and on the agent page elsewhere", async ({
  browser,
}) => {
  // The owner's list of agents in one browser, the agent's page in a second, the test chat in a third.
  const list = await openBrowser(browser);
  await signIn(list, owner);
  await openProduct(list, "Agents");
  const card = list.getByRole("listitem").filter({ has: list.getByRole("link", { name: "Front desk" }) });
  await expect(card).toContainText(/\d+ conversations?/);
  const countBefore = firstNumber(
    await card
      .locator(".agent-meta")
      .textContent()
      .then((t) => /\d+ conv/.exec(t ?? "")?.[0] ?? null),
  );
  await markDocument(list);

  const watcher = await openBrowser(browser);
  await signIn(watcher, owner);
  await openProduct(watcher, "Agents");
  await watcher.getByRole("link", { name: "Front desk" }).click();
  await expect(watcher.getByRole("heading", { level: 1, name: "Front desk" })).toBeVisible();
  const conversations = watcher.getByRole("region", { name: "Conversations" });
  await expect(
    conversations.getByRole("list", { name: "Conversations" }).or(conversations.getByText("No conversations yet.")),
  ).toBeVisible();
  const rowsBefore = await conversations.getByRole("listitem").count();
  await expect(watcher.getByRole("region", { name: "Activity" })).toContainText(/\d+ conversations/);
  await markDocument(watcher);

  const tester = await openBrowser(browser);
  await signIn(tester, owner);
  await openProduct(tester, "Agents");
  await tester.getByRole("link", { name: "Front desk" }).click();
  const chat = tester.getByRole("region", { name: "Test chat" });
  const message = `Do you have winter tyres in stock? ${randomUUID().slice(0, 8)}`;
  await chat.getByRole("textbox", { name: "Message", exact: true }).fill(message);
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("list", { name: "Conversation" }).getByRole("listitem").last()).toContainText(
    `You said: ${message}`,
  );

  // The agent page elsewhere: one conversation more, its two messages counted, and the numbers read again.
  await expect(conversations.getByRole("listitem")).toHaveCount(rowsBefore + 1);
  await expect(conversations.getByRole("listitem").first()).toContainText("2 messages");
  await conversations
    .getByRole("button", { name: /^Test chat/ })
    .first()
    .click();
  await expect(conversations.getByRole("list", { name: "Transcript" })).toContainText(`You said: ${message}`);
  // The list of agents elsewhere: the count moved on.
  await expect(card).toContainText(new RegExp(`\\b${countBefore + 1} conversations?\\b`));
  await expectSameDocument(list);
  await expectSameDocument(watcher);
});

test("agents: the activity numbers on another browser's agent page move with a new conversation", async ({
  browser,
}) => {
  const watcher = await openBrowser(browser);
  await signIn(watcher, owner);
  await openProduct(watcher, "Agents");
  await watcher.getByRole("link", { name: "Front desk" }).click();
  const activity = watcher.getByRole("region", { name: "Activity" });
  await expect(activity).toContainText(/\d+ conversations/);
  const before = firstNumber(/(\d+) conversations/.exec((await activity.textContent()) ?? "")?.[1] ?? null);
  await markDocument(watcher);

  const tester = await openBrowser(browser);
  await signIn(tester, owner);
  await openProduct(tester, "Agents");
  await tester.getByRole("link", { name: "Front desk" }).click();
  const chat = tester.getByRole("region", { name: "Test chat" });
  await chat.getByRole("textbox", { name: "Message", exact: true }).fill("Are you open on Saturdays?");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("list", { name: "Conversation" }).getByRole("listitem").last()).toContainText(
    "You said: Are you open on Saturdays?",
  );

  await expect(activity).toContainText(`${before + 1} conversations`);
  await expectSameDocument(watcher);
});

test("coaching: a goal and a conversation created in one browser appear in the other's overview", async ({
  browser,
}) => {
  const overview = await openBrowser(browser);
  await signIn(overview, coach);
  await openProduct(overview, "Coaching");
  const goals = overview.getByRole("region", { name: "Goals" });
  await expect(goals.getByRole("region", { name: "Active goals" })).toBeVisible();
  const conversations = overview.getByRole("region", { name: "Conversations" });
  await expect(
    conversations.getByRole("list", { name: "Conversations" }).or(conversations.getByText(/No conversations yet/)),
  ).toBeVisible();
  await markDocument(overview);

  const other = await openBrowser(browser);
  await signIn(other, coach);
  await openProduct(other, "Coaching");
  const title = `Open a second workshop ${randomUUID().slice(0, 8)}`;
  const form = other.getByRole("form", { name: "Add a goal" });
  await form.getByLabel("Goal").fill(title);
  await form.getByRole("button", { name: "Add goal" }).click();
  await expect(other.getByRole("listitem", { name: title })).toBeVisible();

  await expect(
    goals.getByRole("region", { name: "Active goals" }).getByRole("listitem", { name: title }),
  ).toBeVisible();

  // Its progress, changed in the other browser, moves here too.
  const otherCard = other.getByRole("listitem", { name: title });
  await otherCard.getByLabel("Progress (%)").fill("60");
  await otherCard.getByRole("button", { name: "Save progress" }).click();
  await expect(goals.getByRole("listitem", { name: title }).getByRole("meter", { name: "Progress" })).toHaveAttribute(
    "value",
    "60",
  );

  await other.getByRole("button", { name: "Start a conversation" }).click();
  const heading = other.getByRole("heading", { level: 1, name: /^Open chat — / });
  await expect(heading).toBeVisible();
  // Titles are the start time to the minute, which another conversation of the coach's may share:
  // the conversation is found by its own address.
  const conversationId = new URL(other.url()).pathname.split("/").pop() ?? "";
  await other.getByRole("textbox", { name: "Message", exact: true }).fill("Where should I start this week?");
  await other.getByRole("button", { name: "Send" }).click();
  await expect(
    other.getByRole("list", { name: "Conversation", exact: true }).getByRole("listitem").last(),
  ).toContainText("You said: Where should I start this week?");

  const listed = conversations
    .getByRole("listitem")
    .filter({ has: overview.locator(`a[href="/coaching/conversations/${conversationId}"]`) });
  await expect(listed).toBeVisible();
  await expect(listed).toContainText("2 messages");
  await expectSameDocument(overview);
});
