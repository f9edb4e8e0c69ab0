import { type Browser, expect, type Page, test } from "@playwright/test";

// Created by the demo seed (packages/db/src/seed.ts): Olivia Owner is the only owner of Demo Motors.
const owner = { email: "owner@demo.switchboard.dev", password: "demo-owner-pass", name: "Olivia Owner" };
const lastOwnerMessage = "An organization needs at least one owner. Make someone else an owner first.";

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function openDemoMotorsMembers(page: Page) {
  await page.goto("/");
  await signIn(page, owner.email, owner.password);
  await page.getByRole("navigation", { name: "Products" }).getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: "Members of Demo Motors" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Members of Demo Motors" })).toBeVisible();
}

/** Creates an invitation on the members page and returns its link, as the owner would copy it. */
async function invite(page: Page, email: string, role: "Member" | "Admin") {
  const panel = page.getByRole("region", { name: "Invite someone" });
  await panel.getByLabel("Email").fill(email);
  await panel.getByRole("combobox", { name: "Role" }).selectOption({ label: role });
  await panel.getByRole("button", { name: "Create invitation" }).click();
  const linkField = panel.getByRole("textbox", { name: "Invitation link" });
  await expect(linkField).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/invitations\/[\w-]{20,}$/);
  await expect(linkField).toHaveAccessibleDescription(new RegExp(`send this link to ${email} yourself`));
  return linkField.inputValue();
}

/**
 * The invitee, in their own browser, opens the link signed out: signs up first, comes back to
 * the link and accepts it as a member.
 */
async function joinAsNewPerson(browser: Browser, link: string, name: string, email: string) {
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(invitee.getByText("Sign in to accept your invitation.")).toBeVisible();
  await invitee.getByRole("link", { name: "Create an account" }).click();
  await invitee.getByLabel("Name").fill(name);
  await invitee.getByLabel("Email").fill(email);
  await invitee.getByLabel("Password").fill("a-long-enough-password");
  await invitee.getByRole("button", { name: "Create account" }).click();

  await expect(invitee).toHaveURL(link);
  await expect(invitee.getByRole("heading", { level: 1, name: "Join Demo Motors" })).toBeVisible();
  await expect(invitee.getByText("Olivia Owner invited you to join Demo Motors as a member.")).toBeVisible();
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("status").filter({ hasText: "You joined" })).toHaveText(
    "You joined Demo Motors as a member.",
  );
  return { invitee, inviteeContext };
}

test("the owner invites a new person, who signs up and joins; the owner changes their role and removes them", async ({
  page,
  browser,
}) => {
  const email = `invitee-${Date.now()}@example.com`;
  const name = "Robin Invitee";
  await openDemoMotorsMembers(page);
  const link = await invite(page, email, "Member");
  const pending = page.getByRole("region", { name: "Pending invitations" });
  await expect(pending.getByRole("listitem").filter({ hasText: email })).toContainText("Member");

  const { invitee, inviteeContext } = await joinAsNewPerson(browser, link, name, email);

  // A member sees who's there, read-only.
  await invitee.getByRole("link", { name: "See the members" }).click();
  await expect(invitee.getByRole("heading", { level: 1, name: "Members of Demo Motors" })).toBeVisible();
  const inviteeView = invitee.getByRole("table", { name: "Members" });
  await expect(inviteeView.getByRole("row").filter({ hasText: owner.email })).toContainText("Owner");
  await expect(inviteeView.getByRole("row").filter({ hasText: email })).toContainText("(you)");
  await expect(invitee.getByRole("region", { name: "Invite someone" })).toHaveCount(0);
  await expect(invitee.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(invitee.getByRole("combobox")).toHaveCount(0);

  // The owner's page, left open, shows the new member live, and the invitation is no longer pending.
  const members = page.getByRole("table", { name: "Members" });
  const newMember = members.getByRole("row").filter({ hasText: email });
  await expect(newMember).toContainText(name);
  await expect(pending.getByRole("listitem").filter({ hasText: email })).toHaveCount(0);

  await newMember.getByRole("combobox", { name: `Role for ${name}` }).selectOption({ label: "Admin" });
  await newMember.getByRole("button", { name: "Change role" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now" })).toHaveText(`${name} is now an admin.`);
  await expect(newMember.getByRole("combobox", { name: `Role for ${name}` })).toHaveValue("admin");

  // The only owner can't step down: the rule is said in words next to the action.
  const ownerRow = members.getByRole("row").filter({ hasText: owner.email });
  await ownerRow.getByRole("combobox", { name: `Role for ${owner.name}` }).selectOption({ label: "Member" });
  await ownerRow.getByRole("button", { name: "Change role" }).click();
  await expect(ownerRow.getByRole("alert")).toHaveText(lastOwnerMessage);
  await page.reload();
  await expect(ownerRow.getByRole("combobox", { name: `Role for ${owner.name}` })).toHaveValue("owner");

  // Removal is confirmed in an accessible dialog, which names who goes and keeps focus inside.
  await newMember.getByRole("button", { name: `Remove ${name}` }).click();
  const dialog = page.getByRole("alertdialog", { name: `Remove ${name} from Demo Motors?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Keep it" })).toBeFocused();
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(newMember).toBeVisible();
  await newMember.getByRole("button", { name: `Remove ${name}` }).click();
  await dialog.getByRole("button", { name: "Yes, remove" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "removed" })).toHaveText(
    `${name} was removed from Demo Motors.`,
  );
  await expect(members.getByRole("row").filter({ hasText: email })).toHaveCount(0);

  // And the removed person no longer sees the organization.
  await invitee.reload();
  await expect(invitee.getByText("We couldn't find that organization.")).toBeVisible();
  await inviteeContext.close();
});

test("an invitation for another email, a withdrawn one and a made-up one each say so plainly", async ({ page }) => {
  const email = `someone-else-${Date.now()}@example.com`;
  await openDemoMotorsMembers(page);
  const link = await invite(page, email, "Admin");

  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Join Demo Motors" })).toBeVisible();
  await expect(
    page.getByText(`This invitation is for ${email}, but you are signed in as ${owner.email}.`),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: `Sign out and use ${email}` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);

  // Withdrawn: the link stops working.
  await page.goBack();
  const pending = page.getByRole("region", { name: "Pending invitations" });
  const item = pending.getByRole("listitem").filter({ hasText: email });
  await expect(item).toContainText("Admin");
  await item.getByRole("button", { name: "Withdraw" }).click();
  await expect(pending.getByRole("status")).toHaveText(
    `The invitation for ${email} was withdrawn; its link no longer works.`,
  );
  await expect(item).toHaveCount(0);
  await page.goto(link);
  await expect(page.getByText("This invitation link isn't valid.")).toBeVisible();

  await page.goto("/invitations/made-up");
  await expect(page.getByRole("heading", { level: 1, name: "Invitation" })).toBeVisible();
  await expect(page.getByText("This invitation link isn't valid.")).toBeVisible();
});

test("a member leaves the organization themselves; the only owner is told why they can't", async ({
  page,
  browser,
}) => {
  const email = `leaver-${Date.now()}@example.com`;
  const name = "Lee Leaver";
  await openDemoMotorsMembers(page);

  const ownerLeave = page.getByRole("region", { name: "Leave this organization" });
  await ownerLeave.getByRole("button", { name: "Leave organization" }).click();
  // The refusal is said inside the dialog, which stays open with it.
  const ownerDialog = page.getByRole("alertdialog", { name: "Leave Demo Motors?" });
  await ownerDialog.getByRole("button", { name: "Yes, leave" }).click();
  await expect(ownerDialog.getByRole("alert")).toHaveText(lastOwnerMessage);
  await ownerDialog.getByRole("button", { name: "Keep it" }).click();
  await expect(ownerDialog).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Members of Demo Motors" })).toBeVisible();

  const link = await invite(page, email, "Member");
  const { invitee, inviteeContext } = await joinAsNewPerson(browser, link, name, email);
  const ownerView = page.getByRole("table", { name: "Members" });
  await expect(ownerView.getByRole("row").filter({ hasText: email })).toContainText(name); // live
  await invitee.getByRole("link", { name: "See the members" }).click();
  const leave = invitee.getByRole("region", { name: "Leave this organization" });
  await leave.getByRole("button", { name: "Leave organization" }).click();
  const leaveDialog = invitee.getByRole("alertdialog", { name: "Leave Demo Motors?" });
  await expect(leaveDialog).toContainText("You lose access to its agents at once");
  await leaveDialog.getByRole("button", { name: "Yes, leave" }).click();
  await expect(invitee.getByRole("status").filter({ hasText: "You left" })).toHaveText(
    "You left Demo Motors. Its agents and members are no longer available to you.",
  );
  await invitee.reload();
  await expect(invitee.getByText("We couldn't find that organization.")).toBeVisible();
  await inviteeContext.close();

  // The owner's page, open all along, no longer lists them.
  await expect(ownerView.getByRole("row").filter({ hasText: email })).toHaveCount(0);
});
