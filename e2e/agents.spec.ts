import { randomUUID } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";

// Created by the demo seed (packages/db/src/seed.ts): the owner of Demo Motors, whose agent
// "Front desk" starts with version 1 published. The e2e server's OpenAI is the local fake
// (e2e/openai-fake-server.ts), which answers "You said: <message>" a word at a time.
const owner = { email: "owner@demo.switchboard.dev", password: "demo-owner-pass" };

// The tests share the seeded agent and build on its versions.
test.describe.configure({ mode: "serial" });

async function openSeededAgent(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Agents" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  await page.getByRole("link", { name: "Front desk" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Front desk" })).toBeVisible();
}

test("an owner edits the agent's instructions, publishes them and sees the new version in the history", async ({
  page,
}) => {
  await openSeededAgent(page);
  const versions = page.getByRole("list", { name: "Versions" });
  await expect(versions.getByRole("listitem").filter({ hasText: "Version 1" })).toContainText("Published");

  const prompt = `You are the front desk of Demo Motors. Mention the code ${randomUUID().slice(0, 8)}.`;
  await page.getByLabel("System prompt").fill(prompt);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved as draft version 2.");
  await expect(versions.getByRole("listitem").filter({ hasText: "Version 2" })).toContainText("Draft");

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published" })).toHaveText(
    "Published version 2. New conversations use it.",
  );
  await expect(versions.getByRole("listitem").filter({ hasText: "Version 2" })).toContainText("Published");
  await expect(versions.getByRole("listitem").filter({ hasText: "Version 1" })).toContainText("Archived");

  // The saved instructions are what the editor shows after a reload.
  await page.reload();
  await expect(page.getByLabel("System prompt")).toHaveValue(prompt);
});

test("the test chat streams the agent's reply and shows its numbers", async ({ page }) => {
  await openSeededAgent(page);
  const chat = page.getByRole("region", { name: "Test chat" });
  const message = "Can you look at my brakes on Tuesday morning before work please";
  await chat.getByRole("textbox", { name: "Message", exact: true }).fill(message);
  await chat.getByRole("button", { name: "Send" }).click();

  const reply = chat.getByRole("list", { name: "Conversation" }).getByRole("listitem").last();
  // Part of the reply is there while the rest is still coming.
  await expect(reply).toHaveAttribute("aria-busy", "true");
  await expect(reply).toContainText("You said:");
  await expect(reply).toHaveAttribute("aria-busy", "true");
  await expect(chat.getByRole("button", { name: "Replying…" })).toBeDisabled();

  await expect(reply.locator(".chat-text")).toHaveText(`You said: ${message}`);
  await expect(reply).not.toHaveAttribute("aria-busy", "true");
  await expect(reply).toContainText(/\d+ tokens · \d+\.\d\d s · /);
  await expect(chat.getByRole("alert")).toHaveCount(0);

  // The conversation is listed, with its transcript.
  const conversations = page.getByRole("region", { name: "Conversations" });
  await conversations
    .getByRole("button", { name: /^Test chat/ })
    .first()
    .click();
  const transcript = conversations.getByRole("list", { name: "Transcript" });
  await expect(transcript).toContainText(message);
  await expect(transcript).toContainText(`You said: ${message}`);

  // And counted in today's numbers.
  await expect(page.getByRole("region", { name: "Activity" })).toContainText(
    /[1-9]\d* conversations?, [1-9]\d* messages/,
  );
});

test("a temperature out of range is refused under its field", async ({ page }) => {
  await openSeededAgent(page);
  const temperature = page.getByLabel("Temperature");
  await temperature.fill("3");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Please check the fields marked below.");
  await expect(temperature).toHaveAttribute("aria-invalid", "true");
  await expect(temperature).toHaveAccessibleDescription(/Temperature goes from 0 to 2\./);
  await expect(temperature).toBeFocused();
});
