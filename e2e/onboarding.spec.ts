import { randomUUID } from "node:crypto";
import { type APIRequestContext, expect, type Locator, type Page, type Route, test } from "@playwright/test";

// The e2e server has no STRIPE_SECRET_KEY and no research service: onboarding runs in the
// explicit "no payment provider" mode and the optional research step is skipped.
const noProviderNotice = "No payment provider is configured on this server — no payment will be taken.";
const alreadyRunningMessage = "Setup is already running in another tab.";
const stages = ["Verify payment", "Create organization", "Set up workspace", "Generate API key", "Finalize"];

async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`Owner ${randomUUID().slice(0, 8)}`);
  await page.getByLabel("Email").fill(`owner-${randomUUID()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("navigation", { name: "Products" })).toBeVisible();
}

async function openOnboarding(page: Page) {
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Onboarding" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Set up your business" })).toBeVisible();
  // The list has been read, so a reload later shows what the server has.
  await expect(
    page.getByRole("list", { name: "Your onboardings" }).or(page.getByText("You haven't started an onboarding yet.")),
  ).toBeVisible();
}

interface Business {
  businessName: string;
  industry: string;
  email: string;
  phone: string;
  website: string;
}

function uniqueBusiness(): Business {
  const tag = randomUUID().slice(0, 8);
  return {
    businessName: `Corner Bakery ${tag}`,
    industry: "Bakery",
    email: `hello-${tag}@example.com`,
    phone: "+1 (555) 010-2030",
    website: "https://bakery.example.com",
  };
}

async function fillBusiness(page: Page, business: Partial<Business>) {
  if (business.businessName !== undefined) await page.getByLabel("Business name").fill(business.businessName);
  if (business.industry !== undefined) await page.getByLabel("Industry").fill(business.industry);
  if (business.email !== undefined) await page.getByLabel("Email").fill(business.email);
  if (business.phone !== undefined) await page.getByLabel("Phone").fill(business.phone);
  if (business.website !== undefined) await page.getByLabel("Website").fill(business.website);
}

/** Submits the form and waits for the onboarding's own page; returns its session id. */
async function startOnboarding(page: Page, business: Business): Promise<string> {
  await fillBusiness(page, business);
  await page.getByRole("radio", { name: /^Growth/ }).check();
  await page.getByRole("button", { name: "Start setup" }).click();
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  return /\/onboarding\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
}

function setupProgress(page: Page): Locator {
  return page.getByRole("list", { name: "Setup progress" });
}

/** Every stage done, research skipped for want of a research service, and the headline to match. */
async function expectSetupComplete(page: Page) {
  const progress = setupProgress(page);
  for (const stage of stages) {
    await expect(progress.getByRole("listitem", { name: `${stage} Done` })).toBeVisible();
  }
  await expect(progress.getByRole("listitem", { name: "Research Optional Skipped" })).toContainText(
    "Research isn't set up on this server.",
  );
  await expect(progress.getByRole("listitem")).toHaveCount(6);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your workspace is ready");
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

/** A tRPC query over plain HTTP as the page's signed-in person (superjson's `{ json }` envelope). */
async function queryApi<T>(page: Page, request: APIRequestContext, path: string, input?: unknown): Promise<T> {
  const token = await page.evaluate(() => window.localStorage.getItem("switchboard.sessionToken"));
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await request.get(`/trpc/${path}${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return (await response.json()).result.data.json as T;
}

interface ProgressSnapshot {
  status: string;
  steps: { name: string; status: string; attempts: number; optional: boolean }[];
}

test("a new business watches its setup finish live and sees its API key exactly once", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page);
  await openOnboarding(page);
  await expect(page.getByRole("radio", { name: /^Starter/ })).toBeChecked();
  await expect(page.getByRole("radio", { name: /^Growth/ })).toHaveAccessibleName(/\$149/);
  await markDocument(page);

  const business = uniqueBusiness();
  await startOnboarding(page, business);
  await expect(page.getByRole("region", { name: "Payment" })).toContainText("No payment provider configured");
  await expect(page.getByText(noProviderNotice)).toBeVisible();

  await expectSetupComplete(page);
  await expect(setupProgress(page).getByRole("listitem", { name: "Create organization Done" })).toContainText(
    /Started .+ · took (under 0\.1|\d+(\.\d)?) s/,
  );
  await expectSameDocument(page);

  const apiKey = page.getByRole("region", { name: "Your API key" });
  await expect(apiKey).toContainText(/You can view this key until .+; we never show it again\./);
  await apiKey.getByRole("button", { name: "Show API key" }).click();
  const keyField = apiKey.getByRole("textbox", { name: "API key" });
  await expect(keyField).toHaveValue(/^sb_live_/);
  await expect(keyField).toHaveAttribute("readonly", "");
  const secret = await keyField.inputValue();
  await apiKey.getByRole("button", { name: "Copy" }).click();
  await expect(apiKey.getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // Shown once: after a reload only its fingerprint is left.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your workspace is ready");
  await expect(apiKey).toContainText("This key was already shown once");
  await expect(apiKey).toContainText(`sb_live_…${secret.slice(-6)}`);
  await expect(apiKey.getByRole("textbox")).toHaveCount(0);
  await expect(apiKey.getByRole("button", { name: "Show API key" })).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  await page.getByRole("link", { name: "All your onboardings" }).click();
  const mine = page.getByRole("list", { name: "Your onboardings" });
  await expect(mine.getByRole("listitem").filter({ hasText: business.businessName })).toContainText("Ready");
});

test("a second tab on the same setup follows the same progress and starts nothing twice", async ({
  page,
  context,
  request,
}) => {
  await signUp(page);
  await openOnboarding(page);

  // Both tabs' automatic "start" calls are held here and then sent together, so they race.
  const completeCall = /\/trpc\/[^?]*onboarding\.complete/;
  const held: Route[] = [];
  let holding = true;
  await context.route(completeCall, (route) => (holding ? held.push(route) : route.continue()));

  const sessionId = await startOnboarding(page, uniqueBusiness());
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Starting setup…");
  await expect.poll(() => held.length).toBe(1);

  const secondTab = await context.newPage();
  await secondTab.goto(`/onboarding/${sessionId}`);
  await expect(setupProgress(secondTab).getByRole("listitem", { name: "Verify payment Waiting" })).toBeVisible();
  await expect.poll(() => held.length).toBe(2);

  holding = false;
  await Promise.all(held.map((route) => route.continue()));

  for (const tab of [page, secondTab]) await expectSetupComplete(tab);

  // One of the two started it. The other was told it is already running — or, if the pipeline
  // had already finished by the time its call arrived, simply shows the finished setup.
  const told = [];
  for (const tab of [page, secondTab]) {
    if ((await tab.getByText(alreadyRunningMessage).count()) > 0) told.push(tab);
  }
  expect(told.length).toBeLessThanOrEqual(1);
  test.info().annotations.push({
    type: "race",
    description: told.length === 1 ? "the losing tab was told setup is running" : "the pipeline finished first",
  });
  for (const tab of told)
    await expect(tab.getByRole("status").filter({ hasText: alreadyRunningMessage })).toBeVisible();

  // No duplicate run: every step ran once, and there is still just the one onboarding.
  const progress = await queryApi<ProgressSnapshot>(page, request, "onboarding.get", { sessionId });
  expect(progress.status).toBe("completed");
  for (const step of progress.steps.filter((candidate) => !candidate.optional)) {
    expect(step, step.name).toMatchObject({ status: "completed", attempts: 1 });
  }
  const mine = await queryApi<{ sessions: { id: string }[] }>(page, request, "onboarding.mine");
  expect(mine.sessions.map((session) => session.id)).toEqual([sessionId]);
});

test("an incomplete or invalid sign-up is explained under its fields and creates nothing", async ({ page }) => {
  await signUp(page);
  await openOnboarding(page);
  await expect(page.getByText("You haven't started an onboarding yet.")).toBeVisible();

  // Nothing filled in (the email starts as the account's own: cleared too).
  await page.getByLabel("Email").fill("");
  await page.getByRole("button", { name: "Start setup" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please check the fields marked below.");
  await expect(page.getByLabel("Business name")).toHaveAccessibleDescription("Enter your business name.");
  await expect(page.getByLabel("Industry")).toHaveAccessibleDescription(/Enter your industry\./);
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Enter a valid email address.");
  await expect(page.getByLabel("Phone")).toHaveAccessibleDescription("Enter a phone number with 7 to 20 digits.");
  await expect(page.getByLabel("Website")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Business name")).toBeFocused();

  // Everything filled in, but a website without its http(s):// the server won't take.
  await fillBusiness(page, { ...uniqueBusiness(), website: "bakery.example.com" });
  await page.getByRole("button", { name: "Start setup" }).click();
  await expect(page.getByLabel("Website")).toHaveAccessibleDescription(
    /Enter a website address starting with http:\/\/ or https:\/\/\./,
  );
  await expect(page.getByLabel("Business name")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Website")).toBeFocused();
  await expect(page).toHaveURL(/\/onboarding$/);

  // Nothing was written: after a reload there is still no onboarding.
  await page.reload();
  await expect(page.getByText("You haven't started an onboarding yet.")).toBeVisible();
});

test("an onboarding page for a sign-up that isn't there says so plainly", async ({ page }) => {
  await signUp(page);
  for (const id of ["not-a-session", randomUUID()]) {
    await page.goto(`/onboarding/${id}`);
    await expect(page.getByText("We couldn't find that sign-up.")).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Onboarding" }),
    ).toHaveAttribute("aria-current", "true");
  }
});
