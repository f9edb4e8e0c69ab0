import { expect, type Page, test } from "@playwright/test";

// The router's edges: addresses with no page, ids no API would accept, search values that fail
// validation, and a signed-out visit to a deep link. Every page here must render something a
// person can act on: never a blank screen, never an uncaught error.
const owner = { email: "owner@demo.switchboard.dev", password: "demo-owner-pass" };

/** Uncaught errors in the page (a thrown render, a rejected navigation) fail the test that caused them. */
function watchForPageErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on("pageerror", (error) => errors.push(error));
  return errors;
}

async function fillSignIn(page: Page, account = owner) {
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signIn(page: Page, account = owner) {
  await page.goto("/sign-in");
  await fillSignIn(page, account);
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
}

const products = (page: Page) => page.getByRole("navigation", { name: "Products" });

test("an unknown address signed out shows a plain not-found page with the way to sign in", async ({ page }) => {
  const errors = watchForPageErrors(page);
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(products(page)).toHaveCount(0);
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("an unknown address signed in shows the not-found page inside the shell", async ({ page }) => {
  const errors = watchForPageErrors(page);
  await signIn(page);
  for (const address of ["/no/such/page", "/requests-and-more", "/coaching/nothing-here"]) {
    await page.goto(address);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(products(page).getByRole("link", { name: "Requests" })).toBeVisible();
  }
  await page.getByRole("link", { name: "Go to Requests" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a malformed id in any product's address shows that product's not-found view and asks the API nothing", async ({
  page,
}) => {
  const errors = watchForPageErrors(page);
  await signIn(page);
  const itemQueries: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (/\/trpc\/.*(requests\.get|sessions\.get|onboarding\.get|agents\.get|organizations\.invitation)/.test(url)) {
      itemQueries.push(url);
    }
  });
  const cases = [
    {
      address: "/requests/not-a-request",
      heading: "Request",
      message: "We couldn't find that request.",
      section: "Requests",
    },
    {
      address: "/sessions/not-a-session",
      heading: "Session",
      message: "We couldn't find that session.",
      section: "Sessions",
    },
    {
      address: "/onboarding/123",
      heading: "Onboarding",
      message: "We couldn't find that sign-up.",
      section: "Onboarding",
    },
    { address: "/agents/not-an-agent", heading: "Agent", message: "We couldn't find that agent.", section: "Agents" },
    {
      address: "/organizations/demo-motors/members",
      heading: "Members",
      message: "We couldn't find that organization.",
      section: "Agents",
    },
    {
      address: "/invitations/short",
      heading: "Invitation",
      message: "This invitation link isn't valid.",
      section: "Agents",
    },
    {
      address: "/coaching/conversations/%E2%9C%93",
      heading: "Conversation",
      message: "We couldn't find that conversation.",
      section: "Coaching",
    },
  ];
  for (const { address, heading, message, section } of cases) {
    await page.goto(address);
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
    await expect(page.getByText(message)).toBeVisible();
    await expect(products(page).getByRole("link", { name: section })).toHaveAttribute("aria-current", "true");
  }
  expect(itemQueries).toEqual([]);
  expect(errors).toEqual([]);
});

test("a search value that fails validation falls back to the default and the page still opens", async ({ page }) => {
  const errors = watchForPageErrors(page);
  await signIn(page);
  for (const address of ["/coaching/usage?days=13", "/coaching/usage?days=%22lots%22", "/coaching/usage?days=[7]"]) {
    await page.goto(address);
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    await expect(page.getByLabel("Period")).toHaveValue("30");
  }

  // A valid value is read from the address, and choosing another writes it there.
  await page.goto("/coaching/usage?days=7");
  await expect(page.getByLabel("Period")).toHaveValue("7");
  await page.getByLabel("Period").selectOption("90");
  await expect(page).toHaveURL(/\/coaching\/usage\?days=90$/);
  await page.reload();
  await expect(page.getByLabel("Period")).toHaveValue("90");
  // A link back to the product's page is not "the current page" (only the nav says where you are).
  await expect(page.getByRole("link", { name: "Back to coaching" })).not.toHaveAttribute("aria-current");
  expect(errors).toEqual([]);
});

test("a signed-out visit to a deep link signs in and comes back to exactly that address", async ({ page }) => {
  await page.goto("/coaching/usage?days=7");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await fillSignIn(page);
  await expect(page).toHaveURL(/\/coaching\/usage\?days=7$/);
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByLabel("Period")).toHaveValue("7");
});

test("a signed-out visit to a deep link that signs up instead comes back there too", async ({ page }) => {
  await page.goto("/coaching/usage?days=90");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Dee Deeplink");
  await page.getByLabel("Email").fill(`deep-link-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/coaching\/usage\?days=90$/);
  await expect(page.getByLabel("Period")).toHaveValue("90");
});

test("sign-in never sends anyone off this site, and signed in, / and /sign-in lead home", async ({ page }) => {
  await page.goto("/sign-in?redirect=%2F%2Fevil.example%2Fphish");
  await fillSignIn(page);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/requests$/);

  await page.goto("/");
  await expect(page).toHaveURL(/\/requests$/);
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/requests$/);
  await page.goto("/sign-up");
  await expect(page).toHaveURL(/\/requests$/);
  // A sign-in link that names where to go leads there once signed in.
  await page.goto("/sign-in?redirect=%2Fagents");
  await expect(page).toHaveURL(/\/agents$/);
});

test("the skip link is the first stop on every signed-in page and moves focus to the page itself", async ({ page }) => {
  await signIn(page);
  for (const address of ["/requests", "/agents", "/coaching/usage"]) {
    await page.goto(address);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();
  }
});

test("an organization or conversation in the address that fails validation is ignored and the page opens", async ({
  page,
}) => {
  const errors = watchForPageErrors(page);
  await signIn(page);
  await page.goto("/agents?organization=not-an-organization");
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Members of Demo Motors" })).toBeVisible();
  // A well-formed id of an organization the person is not in falls back the same way.
  await page.goto("/agents?organization=00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("link", { name: "Members of Demo Motors" })).toBeVisible();

  const firstAgent = page
    .getByRole("region", { name: "Demo Motors's agents" })
    .getByRole("listitem")
    .getByRole("link")
    .first();
  await firstAgent.click();
  await expect(page.getByRole("heading", { level: 2, name: "Conversations" })).toBeVisible();
  await page.goto(`${new URL(page.url()).pathname}?conversation=%7Bnope%7D`);
  await expect(page.getByRole("heading", { level: 2, name: "Conversations" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Transcript" })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a product whose code can no longer be loaded says so and offers a reload, never a blank page", async ({
  page,
}) => {
  await signIn(page);
  // As after a deploy: the product chunks this tab knows about are gone from the server.
  await page.route(/\/assets\/route-pages-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: "" }));
  await products(page).getByRole("link", { name: "Coaching" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Something went wrong" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveText(
    "The dashboard was updated since this page was opened. Reload to get the new version.",
  );
  await expect(page.getByRole("button", { name: "Reload" })).toBeVisible();
  await expect(products(page)).toBeVisible();
});
