// Every page of the dashboard, each in a state worth checking (a list with items, a badge, a
// transcript open), for the checks that must hold on all of them: axe (accessibility.spec.ts)
// and the phone width (phone-width.spec.ts). A new page is one more entry in `everyPage`.
//
// Each entry opens its page in a fresh browser context, signing in (or up) on the way, and
// resolves once the page shows what it loaded. The people are the demo seed's
// (packages/db/src/seed.ts) or new sign-ups, so no entry depends on another having run.
import { randomUUID } from "node:crypto";
import { type Browser, expect, type Page } from "@playwright/test";
import { demo, signIn } from "./people.ts";

export interface PageState {
  /** Which page, in which state: the test's title. */
  name: string;
  open: (page: Page, browser: Browser) => Promise<void>;
}

const accounts = demo;

/** A new customer of their own: no requests, no onboarding, no organization, no coaching yet. */
async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`Checker ${randomUUID().slice(0, 8)}`);
  await page.getByLabel("Email").fill(`checker-${randomUUID()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("navigation", { name: "Products" })).toBeVisible();
}

async function heading(page: Page, name: string | RegExp, level = 1) {
  await expect(page.getByRole("heading", { level, name })).toBeVisible();
}

/** A high-urgency request from a new customer; returns the vehicle model that names its card. */
async function askForMechanic(page: Page): Promise<string> {
  const model = `Model ${randomUUID().slice(0, 8)}`;
  await page.goto("/requests");
  await heading(page, "Ask for a mechanic", 2);
  await page.getByLabel("Make").fill("Toyota");
  await page.getByLabel("Model").fill(model);
  await page.getByLabel("Year").fill("2018");
  await page.getByLabel("What's wrong?").fill("A grinding noise from the front wheels when braking.");
  await page.getByLabel("Urgency").selectOption("High");
  await page.getByRole("button", { name: "Send request" }).click();
  await heading(page, "Waiting for a mechanic…");
  return model;
}

/**
 * A session in progress: a new customer (in a browser of their own, left open so their side
 * stays online) asks for a chat session and the demo mechanic, on `page`, accepts it and opens
 * it from "My sessions", which joins it. Returns the vehicle that names it.
 */
async function openSessionAsMechanic(page: Page, browser: Browser): Promise<string> {
  const customer = await browser.newContext();
  const customerPage = await customer.newPage();
  await signUp(customerPage);
  const model = await askForMechanic(customerPage);
  const vehicle = `2018 Toyota ${model}`;
  await signIn(page, accounts.mechanic);
  await heading(page, "Open requests", 2);
  await page
    .getByRole("list", { name: "Open requests" })
    .getByRole("listitem", { name: vehicle })
    .getByRole("button", { name: "Accept" })
    .click();
  await page.goto("/sessions");
  await heading(page, "My sessions");
  await page
    .getByRole("list", { name: "Now" })
    .getByRole("link", { name: new RegExp(`^${vehicle} — `) })
    .click();
  await heading(page, vehicle);
  await expect(page.getByText(/^In session with /)).toBeVisible();
  return vehicle;
}

async function openAgent(page: Page, name: string) {
  await signIn(page, accounts.owner);
  await page.goto("/agents");
  await heading(page, "Agents");
  await page.getByRole("link", { name, exact: true }).click();
  await heading(page, name);
}

async function openCoaching(page: Page) {
  await signIn(page, accounts.coach);
  await page.goto("/coaching");
  await heading(page, "Coaching");
  await expect(page.getByRole("region", { name: "Conversations" })).toBeVisible();
}

/** The owner's invitation link to Demo Motors for a new person, made in the owner's own browser. */
async function invitationLink(browser: Browser, email: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const owner = await context.newPage();
    await openMembers(owner);
    const panel = owner.getByRole("region", { name: "Invite someone" });
    await panel.getByLabel("Email").fill(email);
    await panel.getByRole("button", { name: "Create invitation" }).click();
    const link = panel.getByRole("textbox", { name: "Invitation link" });
    await expect(link).toHaveValue(/\/invitations\//);
    return await link.inputValue();
  } finally {
    await context.close();
  }
}

async function openMembers(page: Page) {
  await signIn(page, accounts.owner);
  await page.goto("/agents");
  await page.getByRole("link", { name: "Members of Demo Motors" }).click();
  await heading(page, "Members of Demo Motors");
  await expect(page.getByRole("table", { name: "Members" })).toBeVisible();
}

export const everyPage: readonly PageState[] = [
  {
    name: "sign-in",
    open: async (page) => {
      await page.goto("/");
      await heading(page, "Sign in");
    },
  },
  {
    name: "sign-up",
    open: async (page) => {
      await page.goto("/sign-up");
      await heading(page, "Create an account");
    },
  },
  {
    name: "requests: a customer's intake form",
    open: async (page) => {
      await signUp(page);
      await page.goto("/requests");
      await heading(page, "Ask for a mechanic", 2);
    },
  },
  {
    name: "requests: a request's page",
    open: async (page) => {
      await signUp(page);
      await askForMechanic(page);
    },
  },
  {
    name: "requests: the mechanics' board with a high-urgency request",
    open: async (page, browser) => {
      const customer = await browser.newContext();
      const customerPage = await customer.newPage();
      await signUp(customerPage);
      const model = await askForMechanic(customerPage);
      await customer.close();
      await signIn(page, accounts.mechanic);
      await heading(page, "Open requests", 2);
      await expect(
        page.getByRole("list", { name: "Open requests" }).getByRole("listitem").filter({ hasText: model }),
      ).toContainText("High");
    },
  },
  {
    name: "requests: the mechanics' board, filtered",
    open: async (page) => {
      await signIn(page, accounts.mechanic);
      await page.goto('/requests?urgency=["high","emergency"]&sessionType=["chat"]');
      await heading(page, "Open requests", 2);
      await expect(page.getByRole("checkbox", { name: "High" })).toBeChecked();
      await expect(page.locator(".board-count")).toHaveText(/match(es)? these filters$/);
    },
  },
  {
    name: "requests: a mechanic's profile",
    open: async (page) => {
      await signIn(page, accounts.mechanic);
      await page.goto("/profile");
      await heading(page, "Your profile");
      await expect(page.getByLabel("Display name")).toBeVisible();
    },
  },
  {
    name: "sessions: a mechanic's session with messages",
    open: async (page, browser) => {
      await openSessionAsMechanic(page, browser);
      const box = page.getByRole("textbox", { name: "Message", exact: true });
      await box.fill("Hello, I'm looking at your request now.");
      await box.press("Enter");
      await expect(page.getByRole("list", { name: "Messages" }).getByRole("listitem")).toContainText(["Sent"]);
      await expect(page.getByRole("region", { name: "Wrap up the session" })).toBeVisible();
    },
  },
  {
    name: "sessions: a mechanic's sessions list",
    open: async (page, browser) => {
      const vehicle = await openSessionAsMechanic(page, browser);
      await page.getByRole("link", { name: "All your sessions" }).click();
      await heading(page, "My sessions");
      await expect(page.getByRole("list", { name: "Now" })).toContainText(vehicle);
    },
  },
  {
    name: "sessions: a new customer's empty sessions list",
    open: async (page) => {
      await signUp(page);
      await page.goto("/sessions");
      await heading(page, "Your sessions");
      await expect(page.getByText("No session right now. Ask for a mechanic to start one.")).toBeVisible();
    },
  },
  {
    name: "onboarding: the form",
    open: async (page) => {
      await signUp(page);
      await page.goto("/onboarding");
      await heading(page, "Set up your business", 2);
    },
  },
  {
    name: "onboarding: a session's page, set up",
    open: async (page) => {
      await signUp(page);
      await page.goto("/onboarding");
      const tag = randomUUID().slice(0, 8);
      await page.getByLabel("Business name").fill(`Corner Bakery ${tag}`);
      await page.getByLabel("Industry").fill("Bakery");
      await page.getByLabel("Email").fill(`hello-${tag}@example.com`);
      await page.getByLabel("Phone").fill("+1 (555) 010-2030");
      await page.getByRole("radio", { name: /^Growth/ }).check();
      await page.getByRole("button", { name: "Start setup" }).click();
      await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your workspace is ready", { timeout: 30_000 });
    },
  },
  {
    name: "agents: the list",
    open: async (page) => {
      await signIn(page, accounts.owner);
      await page.goto("/agents");
      await heading(page, "Agents");
      await expect(page.getByRole("link", { name: "Front desk", exact: true })).toBeVisible();
    },
  },
  {
    name: "agents: a new agent",
    open: async (page) => {
      await signIn(page, accounts.owner);
      await page.goto("/agents/new");
      await heading(page, "New agent");
    },
  },
  {
    name: "agents: a new agent's page, its version a draft",
    open: async (page) => {
      await signIn(page, accounts.owner);
      await page.goto("/agents/new");
      const name = `Checked agent ${randomUUID().slice(0, 8)}`;
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("System prompt").fill("You answer questions about opening hours.");
      await page.getByRole("button", { name: "Create agent" }).click();
      await heading(page, name);
      await expect(page.getByRole("list", { name: "Versions" })).toContainText("Draft");
    },
  },
  {
    name: "agents: an agent's page with a conversation's transcript open",
    open: async (page) => {
      await openAgent(page, "Front desk");
      const chat = page.getByRole("region", { name: "Test chat" });
      await chat.getByRole("textbox", { name: "Message", exact: true }).fill("Do you fix brakes on Saturdays?");
      await chat.getByRole("button", { name: "Send" }).click();
      const reply = chat.getByRole("list", { name: "Conversation" }).getByRole("listitem").last();
      await expect(reply).toContainText(/\d+ tokens/);
      const conversations = page.getByRole("region", { name: "Conversations" });
      await conversations
        .getByRole("button", { name: /^Test chat/ })
        .first()
        .click();
      await expect(conversations.getByRole("list", { name: "Transcript" })).toContainText("Visitor");
      await expect(page.getByRole("region", { name: "Activity" }).getByRole("figure").first()).toBeVisible();
      await expect(page.getByRole("region", { name: "Activity" }).locator(".recharts-surface").first()).toBeVisible();
    },
  },
  {
    name: "organizations: the members page",
    open: openMembers,
  },
  {
    name: "organizations: the settings page, with a key just created",
    open: async (page) => {
      await signIn(page, accounts.owner);
      await page.getByRole("link", { name: "Settings for Demo Motors" }).click();
      await heading(page, "Settings of Demo Motors");
      const keys = page.getByRole("region", { name: "API keys" });
      await keys.getByLabel("New key's name").fill(`Checker ${randomUUID().slice(0, 8)}`);
      await keys.getByRole("button", { name: "Create key" }).click();
      await expect(keys.getByRole("button", { name: /^Revoke/ }).first()).toBeVisible();
    },
  },
  {
    name: "agents: someone in no organization, offered the next step",
    open: async (page) => {
      await signUp(page);
      await page.goto("/agents");
      await expect(page.getByRole("link", { name: "Set up your business" })).toBeVisible();
    },
  },
  {
    name: "organizations: an invitation",
    open: async (page, browser) => {
      await signUp(page);
      const email = `invitee-${randomUUID()}@example.com`;
      await page.goto(await invitationLink(browser, email));
      await heading(page, "Join Demo Motors");
    },
  },
  {
    name: "coaching: the first run's form",
    open: async (page) => {
      await signUp(page);
      await page.goto("/coaching");
      await heading(page, "Meet your coach", 2);
    },
  },
  {
    name: "coaching: the overview",
    open: openCoaching,
  },
  {
    name: "coaching: a conversation with a reply",
    open: async (page) => {
      await openCoaching(page);
      await page.getByRole("button", { name: "Start a conversation" }).click();
      await heading(page, /^Open chat — /);
      await page.getByRole("textbox", { name: "Message", exact: true }).fill("How do I find a sales lead?");
      await page.getByRole("button", { name: "Send" }).click();
      const reply = page.getByRole("list", { name: "Conversation", exact: true }).getByRole("listitem").last();
      await expect(reply).toContainText(/\d+ tokens/);
    },
  },
  {
    name: "coaching: usage",
    open: async (page) => {
      await openCoaching(page);
      await page.goto("/coaching/usage");
      await heading(page, "Usage");
      // Drawn, or said to be empty when the coach has not been used yet on this server.
      const perDay = page.getByRole("region", { name: "Per day" });
      await expect(
        perDay.locator(".recharts-surface").first().or(perDay.getByText("Nothing in this period")),
      ).toBeVisible();
    },
  },
  {
    name: "the not-found page",
    open: async (page) => {
      await signIn(page, accounts.owner);
      await page.goto("/no-such-page");
      await heading(page, "Page not found");
    },
  },
];
