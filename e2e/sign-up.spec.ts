import { expect, test } from "@playwright/test";

test("a new person creates an account and is signed in", async ({ page }) => {
  const email = `new-${Date.now()}@example.com`;
  await page.goto("/");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();

  await page.getByLabel("Name").fill("Robin Newcomer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/Use at least 10 characters\./);

  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("banner")).toContainText("Robin Newcomer");
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
});
