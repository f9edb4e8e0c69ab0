import { expect, type Page, test } from "@playwright/test";

// Created by the demo seed (packages/db/src/seed.ts), which the e2e server runs at start.
const demoCustomer = { email: "customer@demo.switchboard.dev", password: "demo-customer-pass", name: "Casey Customer" };
// The products a customer in no organization can use (shell/products.ts productsFor): not Agents.
const productNames = ["Requests", "Onboarding", "Coaching"];

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the demo customer signs in, sees the dashboard, and signs out", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await signIn(page, demoCustomer.email, demoCustomer.password);

  await expect(page.getByRole("banner")).toContainText(demoCustomer.name);
  const navigation = page.getByRole("navigation", { name: "Products" });
  for (const name of productNames) {
    await expect(navigation.getByRole("link", { name })).toBeVisible();
  }
  await expect(navigation.getByRole("link", { name: "Agents" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/requests$/);
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  // The WebSocket authenticates with the new token and comes up.
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  await navigation.getByRole("link", { name: "Coaching" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
  await expect(navigation.getByRole("link", { name: "Coaching" })).toHaveAttribute("aria-current", "page");

  // A reload keeps the session (the token is in localStorage).
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Products" })).toHaveCount(0);
  expect(await page.evaluate(() => window.localStorage.length)).toBe(0);

  // Signed out for real: a reload does not bring the dashboard back.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password shows a plain error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/");
  await signIn(page, demoCustomer.email, "not-the-password");

  await expect(page.getByRole("alert")).toHaveText("That email and password don't match an account.");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Products" })).toHaveCount(0);
});

test("a malformed email is explained under the field", async ({ page }) => {
  await page.goto("/");
  await signIn(page, "not-an-email", "whatever");

  await expect(page.getByRole("alert")).toBeVisible();
  const emailField = page.getByLabel("Email");
  await expect(emailField).toHaveAttribute("aria-invalid", "true");
  await expect(emailField).toHaveAccessibleDescription("Enter a valid email address.");
});

test("a stored token the server no longer accepts leads back to sign-in with the reason", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(() => window.localStorage.setItem("switchboard.sessionToken", "revoked-or-made-up-token"));
  await page.goto("/agents");

  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Please sign in to continue.")).toBeVisible();
  expect(await page.evaluate(() => window.localStorage.getItem("switchboard.sessionToken"))).toBeNull();

  // Signing in from a deep link lands on the page that was asked for.
  await signIn(page, demoCustomer.email, demoCustomer.password);
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
});
