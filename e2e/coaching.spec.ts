import { expect, type Page, test } from "@playwright/test";

// The coaching demo user from the seed (packages/db/src/seed.ts) has finished the coach's first
// run and has one goal. The e2e server's OpenAI is the local fake (e2e/openai-fake-server.ts):
// the coach answers "You said: <message>" a word at a time, and action item extraction turns a
// sentence starting "I will" into an action item.
const coach = { email: "coach@demo.switchboard.dev", password: "demo-coach-pass" };

test.describe.configure({ mode: "serial" });

async function openCoaching(page: Page, account = coach) {
  await page.goto("/");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Coaching" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
}

test("the coach's reply streams in, and the action item agreed in it appears live", async ({ page }) => {
  await openCoaching(page);
  await page.getByRole("button", { name: "Start a conversation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Open chat — / })).toBeVisible();

  const message = "I will call three sales candidates before Friday";
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(message);
  await page.getByRole("button", { name: "Send" }).click();

  const reply = page.getByRole("list", { name: "Conversation", exact: true }).getByRole("listitem").last();
  // Part of the reply is there while the rest is still coming.
  await expect(reply).toHaveAttribute("aria-busy", "true");
  await expect(reply).toContainText("You said:");
  await expect(reply).toHaveAttribute("aria-busy", "true");
  await expect(reply.locator(".chat-text")).toHaveText(`You said: ${message}`);
  await expect(reply).not.toHaveAttribute("aria-busy", "true");
  await expect(reply).toContainText(/\d+ tokens · \d+\.\d\d s · /);

  // Extracted in the background after the reply, pushed to this page without a reload.
  const fromConversation = page.getByRole("region", { name: "Action items from this conversation" });
  const item = fromConversation.getByRole("listitem", { name: "Call three sales candidates before Friday" });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText("new");

  // It is on the coaching page too, where it can be completed.
  await page.getByRole("link", { name: "Back to coaching" }).click();
  const actionItems = page.getByRole("region", { name: "Action items", exact: true });
  const listed = actionItems.getByRole("listitem", { name: "Call three sales candidates before Friday" }).first();
  await listed.getByRole("button", { name: "Edit" }).click();
  const editForm = actionItems.getByRole("form", { name: "Edit Call three sales candidates before Friday" });
  await editForm.getByLabel("Action item").fill("Call four sales candidates before Friday");
  await editForm.getByLabel("Due date").fill("2027-01-15");
  await editForm.getByRole("button", { name: "Save" }).click();
  const edited = actionItems.getByRole("listitem", { name: "Call four sales candidates before Friday" });
  await expect(edited).toContainText(/Due .*2027/);
  await edited.getByRole("button", { name: "Mark done" }).click();
  await expect(edited).toHaveAttribute("data-status", "done");

  // The conversation is listed, and its messages are there after a reload.
  await page
    .getByRole("region", { name: "Conversations" })
    .getByRole("link", { name: /^Open chat — / })
    .first()
    .click();
  await expect(page.getByRole("list", { name: "Conversation", exact: true })).toContainText(`You said: ${message}`);
});

test("asking for today's summary shows it as soon as the coach has written it", async ({ page }) => {
  await openCoaching(page);
  const summaries = page.getByRole("region", { name: "Summaries" });
  await summaries.getByRole("button", { name: "Summarize today" }).click();
  const today = summaries.getByRole("region", { name: "Today" });
  await expect(today).toContainText(/\d+ messages · updated /, { timeout: 15_000 });
  await expect(today.locator(".summary-text")).not.toBeEmpty();
});

test("the usage page counts the coach's calls per day", async ({ page }) => {
  await openCoaching(page);
  await page.getByRole("link", { name: "See your usage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  const perDay = page.getByRole("region", { name: "Per day" });
  await expect(perDay).toContainText(/[1-9]\d* AI calls, [1-9]\d* tokens/);
  // Drawn as charts; the numbers are a table only when asked for.
  await expect(perDay.getByRole("figure", { name: "Tokens per day" }).locator(".recharts-surface")).toBeVisible();
  await expect(perDay.getByRole("table")).toHaveCount(0);
  await perDay.getByRole("button", { name: "Show as a table" }).click();
  const table = perDay.getByRole("table", { name: "Tokens, calls and cost per day" });
  await expect(table.getByRole("columnheader")).toHaveText([
    "Day",
    "Tokens",
    "AI calls",
    "Your actions",
    "Cost",
    "Latency p50",
  ]);
  await expect(
    table
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: /^[1-9]/ }) })
      .first(),
  ).toBeVisible();
  await perDay.getByRole("button", { name: "Hide the table" }).click();
  await expect(perDay.getByRole("table")).toHaveCount(0);
  await expect(
    page.getByRole("region", { name: "By kind" }).getByRole("rowheader", { name: "Coach replies" }),
  ).toBeVisible();
});

test("a new person meets the coach: profile, business and a first goal", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Sam Starter");
  await page.getByLabel("Email").fill(`coach-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Coaching" }).click();

  const welcome = page.getByRole("region", { name: "Meet your coach" });
  await welcome.getByLabel("Your name").fill("Sam");
  await welcome.getByLabel("Company").fill("Starter Bakery");
  await welcome.getByLabel("Your role").fill("Founder");
  await welcome.getByLabel("Industry").fill("Food");
  await welcome.getByLabel("Team size").fill("-3");
  await welcome.getByLabel("A first goal (optional)").fill("Open a second shop");
  await welcome.getByRole("button", { name: "Start coaching" }).click();
  await expect(welcome.getByLabel("Team size")).toHaveAttribute("aria-invalid", "true");

  await welcome.getByLabel("Team size").fill("4");
  await welcome.getByRole("button", { name: "Start coaching" }).click();
  const goals = page.getByRole("region", { name: "Goals" });
  await expect(goals.getByRole("listitem", { name: "Open a second shop" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Meet your coach" })).toHaveCount(0);

  // Nothing said yet today: asking for a summary says so instead of waiting forever.
  const summaries = page.getByRole("region", { name: "Summaries" });
  await summaries.getByRole("button", { name: "Summarize today" }).click();
  await expect(summaries.getByRole("status")).toHaveText("Nothing to summarize yet today. Talk to your coach first.");
});
