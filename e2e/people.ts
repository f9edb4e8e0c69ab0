// What many specs share: the demo seed's accounts (packages/db/src/seed.ts), signing in through
// the page, a separate browser per person, and a tRPC call over plain HTTP for quick setup.
import { randomUUID } from "node:crypto";
import { type APIRequestContext, type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";

export interface Account {
  email: string;
  password: string;
}

export const demo = {
  customer: { email: "customer@demo.switchboard.dev", password: "demo-customer-pass" },
  mechanic: { email: "mechanic@demo.switchboard.dev", password: "demo-mechanic-pass" },
  owner: { email: "owner@demo.switchboard.dev", password: "demo-owner-pass" },
  coach: { email: "coach@demo.switchboard.dev", password: "demo-coach-pass" },
} satisfies Record<string, Account>;

/** Signs in on the sign-in page and waits for the signed-in navigation. `baseURL`: another server. */
export async function signIn(page: Page, account: Account, baseURL = "") {
  await page.goto(`${baseURL}/`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Products" })).toBeVisible();
}

/**
 * For a spec whose tests need more than one person at once: each call of the returned function
 * opens a separate browser (its own storage, so its own session), closed after each test.
 */
export function separateBrowsers(): (browser: Browser) => Promise<Page> {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  return async (browser) => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
}

/** A tRPC mutation over plain HTTP (superjson's `{ json }` envelope), for setting up quickly. */
export async function callApi<T>(request: APIRequestContext, path: string, input: unknown, token?: string): Promise<T> {
  const response = await request.post(`/trpc/${path}`, {
    data: { json: input },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return (await response.json()).result.data.json as T;
}

/** Signs up a new customer (a name only this test has) and waits for the intake form; returns the name. */
export async function signUpCustomer(page: Page): Promise<string> {
  const name = `Customer ${randomUUID().slice(0, 8)}`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(`customer-${randomUUID()}@example.com`);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Ask for a mechanic" })).toBeVisible();
  return name;
}
