import { expect, test } from "@playwright/test";

// The server's strict CSP (apps/server/src/security-headers.ts) must not break the built
// dashboard: no page may trip a violation, and the live WebSocket must still come up.
const owner = { email: "owner@demo.switchboard.dev", password: "demo-owner-pass" };
const products = ["Requests", "Onboarding", "Agents", "Coaching"];

test("every product page runs under the strict Content-Security-Policy with no violation", async ({ page }) => {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const found = (window as unknown as { cspViolations?: string[] }).cspViolations ?? [];
      found.push(`${event.violatedDirective} ${event.blockedURI}`);
      (window as unknown as { cspViolations: string[] }).cspViolations = found;
    });
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });

  const response = await page.goto("/");
  expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  const navigation = page.getByRole("navigation", { name: "Products" });
  for (const name of products) {
    await navigation.getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    violations.push(
      ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
    );
  }
  // The charts (Recharts, its own chunk) draw under the same policy.
  await navigation.getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: "Front desk", exact: true }).click();
  await expect(page.getByRole("region", { name: "Activity" }).locator(".recharts-surface").first()).toBeVisible();
  // The organization settings page, and a confirmation dialog (Radix: no injected <style>).
  await page.getByRole("link", { name: "Settings for Demo Motors" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings of Demo Motors" })).toBeVisible();
  await page.getByRole("link", { name: "People in Demo Motors" }).click();
  await page.getByRole("button", { name: "Leave organization" }).click();
  await expect(page.getByRole("alertdialog", { name: "Leave Demo Motors?" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  violations.push(
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  );
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  expect(violations).toEqual([]);
});
