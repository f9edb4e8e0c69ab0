import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { callApi, demo, separateBrowsers, signIn } from "./people.ts";

// Created by the demo seed (packages/db/src/seed.ts): Olivia Owner is the only owner of Demo Motors.
const { owner } = demo;
const demoMotorsSlug = "demo-motors";
const password = "a-long-enough-password";

async function queryApi<T>(request: APIRequestContext, path: string, token: string): Promise<T> {
  const response = await request.get(`/trpc/${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return (await response.json()).result.data.json as T;
}

/** Demo Motors' id (found by its slug, which a rename leaves) and the owner's token, through the API. */
async function demoMotors(request: APIRequestContext) {
  const { token } = await callApi<{ token: string }>(request, "auth.signIn", owner);
  const mine = await queryApi<{ id: string; slug: string }[]>(request, "organizations.mine", token);
  const organization = mine.find((candidate) => candidate.slug === demoMotorsSlug);
  if (!organization) throw new Error("the demo seed's Demo Motors is missing");
  return { organizationId: organization.id, ownerToken: token };
}

/** A new person who joins Demo Motors with `role` (signed up and invited through the API). */
async function newMember(request: APIRequestContext, role: "admin" | "member") {
  const { organizationId, ownerToken } = await demoMotors(request);
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const name = role === "admin" ? "Avery Admin" : "Morgan Member";
  const { token } = await callApi<{ token: string }>(request, "auth.signUp", { email, password, name });
  const invitation = await callApi<{ token: string }>(
    request,
    "organizations.invite",
    { organizationId, email, role },
    ownerToken,
  );
  await callApi(request, "organizations.acceptInvitation", { token: invitation.token }, token);
  return { email, name, organizationId };
}

const openBrowser = separateBrowsers();

/** Zero serious or critical axe violations in the part of the page under `selector`. */
async function expectNoSeriousViolations(page: Page, selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = results.violations.filter((violation) => ["serious", "critical"].includes(violation.impact ?? ""));
  expect(serious.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

const settingsHeading = (page: Page, name = "Demo Motors") =>
  page.getByRole("heading", { level: 1, name: `Settings of ${name}` });

// The rename below is put back even if a step fails, so the later specs still find "Demo Motors".
test.afterEach(async ({ request }) => {
  const { organizationId, ownerToken } = await demoMotors(request);
  await callApi(request, "organizations.rename", { organizationId, name: "Demo Motors" }, ownerToken);
});

test("the owner renames Demo Motors and creates a key shown once; another admin sees both live and revokes the key through the dialog", async ({
  page,
  browser,
  request,
}) => {
  const admin = await newMember(request, "admin");
  const keyName = `Deploy ${randomUUID().slice(0, 6)}`;

  // The owner gets there from the navigation's "Your organizations".
  await signIn(page, owner);
  const organizations = page.getByRole("region", { name: "Your organizations" });
  await organizations.getByRole("link", { name: "Settings for Demo Motors" }).click();
  await expect(settingsHeading(page)).toBeVisible();
  const facts = page.getByRole("region", { name: "Organization", exact: true });
  await expect(facts).toContainText("Growth");
  await expect(facts).toContainText("Owner");
  await expect(
    page.getByRole("region", { name: "Members", exact: true }).getByRole("link", { name: /Manage members \(\d+\)/ }),
  ).toHaveAttribute("href", `/organizations/${admin.organizationId}/members`);

  // The other admin, in their own browser, has the same page open.
  const adminPage = await openBrowser(browser);
  await signIn(adminPage, { email: admin.email, password });
  await adminPage.goto(`/organizations/${admin.organizationId}/settings`);
  await expect(settingsHeading(adminPage)).toBeVisible();
  const adminKeys = adminPage.getByRole("region", { name: "API keys" });

  // A new key: its secret once, with its fingerprint.
  const keys = page.getByRole("region", { name: "API keys" });
  await keys.getByLabel("New key's name").fill(keyName);
  await keys.getByRole("button", { name: "Create key" }).click();
  const secretField = keys.getByRole("textbox", { name: "API key" });
  await expect(secretField).toHaveValue(/^sb_live_[\w-]{40,}$/);
  const secret = await secretField.inputValue();
  const fingerprint = `sb_live_…${secret.slice(-6)}`;
  await expect(secretField).toHaveAccessibleDescription(/this is the only time we show it/);
  const ownerItem = keys.getByRole("listitem").filter({ hasText: keyName });
  await expect(ownerItem).toContainText(fingerprint);
  await expect(ownerItem).toContainText("never used");

  // Live in the admin's page, fingerprint only.
  const adminItem = adminKeys.getByRole("listitem").filter({ hasText: keyName });
  await expect(adminItem).toContainText(fingerprint);
  await expect(adminPage.getByText(secret)).toHaveCount(0);
  expect(await adminPage.content()).not.toContain(secret);

  // Shown once: after a reload only the fingerprint is left.
  await page.reload();
  await expect(settingsHeading(page)).toBeVisible();
  await expect(keys.getByRole("textbox", { name: "API key" })).toHaveCount(0);
  await expect(ownerItem).toContainText(fingerprint);
  expect(await page.content()).not.toContain(secret);

  // A rename reaches the admin's open page (its heading and the navigation).
  const nameField = facts.getByRole("textbox", { name: "Name" });
  await nameField.fill("  ");
  await facts.getByRole("button", { name: "Save name" }).click();
  await expect(nameField).toHaveAccessibleDescription("Enter the organization's name.");
  await nameField.fill("Demo Motors & Sons");
  await facts.getByRole("button", { name: "Save name" }).click();
  await expect(facts.getByRole("status")).toHaveText("Renamed to Demo Motors & Sons.");
  await expect(settingsHeading(page, "Demo Motors & Sons")).toBeVisible();
  await expect(settingsHeading(adminPage, "Demo Motors & Sons")).toBeVisible();
  await expect(
    adminPage
      .getByRole("region", { name: "Your organizations" })
      .getByRole("link", { name: "Settings for Demo Motors & Sons" }),
  ).toBeVisible();
  await nameField.fill("Demo Motors");
  await facts.getByRole("button", { name: "Save name" }).click();
  await expect(settingsHeading(adminPage)).toBeVisible();

  // The admin revokes it through an accessible dialog; Escape first changes nothing.
  await adminItem.getByRole("button", { name: `Revoke ${keyName}` }).click();
  const dialog = adminPage.getByRole("alertdialog", { name: `Revoke the key ${keyName}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(fingerprint);
  await expect(dialog.getByRole("button", { name: "Keep it" })).toBeFocused();
  await expectNoSeriousViolations(adminPage, '[role="alertdialog"]');
  await adminPage.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(adminItem.getByRole("button", { name: `Revoke ${keyName}` })).toBeFocused();
  await expect(adminItem).not.toContainText("revoked");

  await adminItem.getByRole("button", { name: `Revoke ${keyName}` }).click();
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(adminKeys.getByRole("status")).toHaveText(
    `The key ${keyName} was revoked; calls made with it are refused from now on.`,
  );
  await expect(adminItem).toContainText("revoked");
  await expect(adminItem.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  // And in the owner's page, live.
  await expect(ownerItem).toContainText("revoked");
  await expect(ownerItem.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  await expectNoSeriousViolations(page, ".settings-page");
  await adminPage.context().close();
});

test("a plain member sees the settings read-only", async ({ page, request }) => {
  const member = await newMember(request, "member");
  await signIn(page, { email: member.email, password });
  await page
    .getByRole("region", { name: "Your organizations" })
    .getByRole("link", { name: "Settings for Demo Motors" })
    .click();
  await expect(settingsHeading(page)).toBeVisible();
  await expect(
    page.getByText("You are a member here. Only owners and admins can change these settings."),
  ).toBeVisible();
  const facts = page.getByRole("region", { name: "Organization", exact: true });
  await expect(facts).toContainText("Demo Motors");
  await expect(facts.getByRole("textbox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save name" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /See the members \(\d+\)/ })).toBeVisible();
  await expectNoSeriousViolations(page, ".settings-page");
});

test("an unknown or malformed organization id says so, with the way back", async ({ page }) => {
  await signIn(page, owner);
  for (const id of [randomUUID(), "not-an-id"]) {
    await page.goto(`/organizations/${id}/settings`);
    await expect(page.getByText("We couldn't find that organization.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to Agents" })).toBeVisible();
  }
});

test("a customer in no organization is not offered Agents, and is told how to get there", async ({ page }) => {
  const email = `customer-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Casey New");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  const navigation = page.getByRole("navigation", { name: "Products" });
  await expect(navigation.getByRole("link", { name: "Requests" })).toBeVisible();
  await expect(navigation.getByRole("link")).toHaveText(["Requests", "Sessions", "Onboarding", "Coaching"]);
  await expect(page.getByRole("region", { name: "Your organizations" })).toHaveCount(0);

  // Opened anyway (an old bookmark): the next steps, not a dead end.
  await page.goto("/agents");
  const next = page.getByRole("region", { name: "You don't belong to an organization yet" });
  await expect(next).toContainText("ask its owner or an admin to invite you");
  await next.getByRole("link", { name: "Set up your business" }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole("heading", { level: 1, name: "Onboarding" })).toBeVisible();
});

test("at phone width the settings page and its dialog fit the screen", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { organizationId, ownerToken } = await demoMotors(request);
  const keyName = `A rather long key name for the phone ${randomUUID().slice(0, 6)}`;
  await callApi(request, "organizations.apiKeys.create", { organizationId, name: keyName }, ownerToken);
  await signIn(page, owner);
  await page.goto(`/organizations/${organizationId}/settings`);
  await expect(settingsHeading(page)).toBeVisible();
  const keys = page.getByRole("region", { name: "API keys" });
  await keys.getByLabel("New key's name").fill("Phone");
  await keys.getByRole("button", { name: "Create key" }).click();
  await expect(keys.getByRole("textbox", { name: "API key" })).toHaveValue(/^sb_live_/);
  const documentWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await documentWidth()).toBeLessThanOrEqual(390);

  await keys.getByRole("button", { name: `Revoke ${keyName}` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toBeVisible();
  const box = await dialog.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(keys.getByRole("listitem").filter({ hasText: keyName })).toContainText("revoked");
  expect(await documentWidth()).toBeLessThanOrEqual(390);
});
