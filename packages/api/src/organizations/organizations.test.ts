import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, createTwoOrganizations, type TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";
import { watchTopic } from "../../test/live-events.ts";

const h = useTestApi();
let owner: TestAccount;
let admin: TestAccount;
let member: TestAccount;
let outsider: TestAccount;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  ({ owner, admin, member, outsider, orgA, orgB } = await createTwoOrganizations(h.database.db, "org"));
});

const as = (account: TestAccount) => h.as(account);
const newPerson = () => createTestAccount(h.database.db, { email: `invitee-${randomUUID()}@example.com` });

describe("pending invitations", () => {
  it("lists an organization's unaccepted invitations to its admins, newest first", async () => {
    const first = `first-${randomUUID()}@example.com`;
    const second = `second-${randomUUID()}@example.com`;
    await as(owner).organizations.invite.mutate({ organizationId: orgA, email: first });
    await as(admin).organizations.invite.mutate({ organizationId: orgA, email: second, role: "admin" });

    const listed = await as(admin).organizations.invitations.query({ organizationId: orgA });
    const ours = listed.filter((invitation) => [first, second].includes(invitation.email));
    expect(ours).toMatchObject([
      { email: second, role: "admin", invitedBy: "admin", expired: false },
      { email: first, role: "member", invitedBy: "owner", expired: false },
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/token/i);
  });

  it("shows them to admins only, and never another organization's", async () => {
    expect(await errorOf(as(member).organizations.invitations.query({ organizationId: orgA }))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an organization admin can do this.",
    });
    expect(await errorOf(as(outsider).organizations.invitations.query({ organizationId: orgA }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("replaces an earlier unused invitation for the same email, so only the newest link works", async () => {
    const invitee = await newPerson();
    const old = await as(owner).organizations.invite.mutate({ organizationId: orgA, email: invitee.email });
    const fresh = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: invitee.email.toUpperCase(),
    });
    const listed = await as(owner).organizations.invitations.query({ organizationId: orgA });
    expect(listed.filter((invitation) => invitation.email === invitee.email)).toHaveLength(1);
    expect(await errorOf(as(invitee).organizations.acceptInvitation.mutate({ token: old.token }))).toMatchObject({
      code: "NOT_FOUND",
    });
    await as(invitee).organizations.acceptInvitation.mutate({ token: fresh.token });
  });

  it("refuses to invite someone who is already a member", async () => {
    expect(
      await errorOf(as(owner).organizations.invite.mutate({ organizationId: orgA, email: "Member@org-a.example" })),
    ).toMatchObject({ code: "CONFLICT", message: "member@org-a.example is already a member of this organization." });
  });

  it("revokes an invitation: its link stops working, and only admins of its organization can", async () => {
    const invitee = await newPerson();
    const { invitationId, token } = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: invitee.email,
    });
    expect(
      await errorOf(as(member).organizations.revokeInvitation.mutate({ organizationId: orgA, invitationId })),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(
      await errorOf(as(outsider).organizations.revokeInvitation.mutate({ organizationId: orgB, invitationId })),
    ).toMatchObject({ code: "NOT_FOUND", message: "That invitation was already accepted or withdrawn." });

    await as(admin).organizations.revokeInvitation.mutate({ organizationId: orgA, invitationId });
    expect(await errorOf(as(invitee).organizations.invitation.query({ token }))).toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("isn't valid"),
    });
    expect(
      await errorOf(as(admin).organizations.revokeInvitation.mutate({ organizationId: orgA, invitationId })),
    ).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("an invitation link", () => {
  it("tells its holder what it offers before they accept", async () => {
    const invitee = await newPerson();
    const { token } = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: invitee.email,
      role: "admin",
    });
    expect(await as(invitee).organizations.invitation.query({ token })).toMatchObject({
      organizationId: orgA,
      organizationName: "Org org-a",
      email: invitee.email,
      role: "admin",
      invitedBy: "owner",
      state: "open",
      forSignedInPerson: true,
      alreadyMember: false,
    });
    expect(await as(outsider).organizations.invitation.query({ token })).toMatchObject({
      state: "open",
      forSignedInPerson: false,
    });

    const accepted = await as(invitee).organizations.acceptInvitation.mutate({ token });
    expect(accepted).toEqual({ organizationId: orgA, organizationName: "Org org-a" });
    expect(await as(invitee).organizations.invitation.query({ token })).toMatchObject({
      state: "accepted",
      alreadyMember: true,
    });
    const mine = await as(invitee).organizations.mine.query();
    expect(mine).toMatchObject([{ id: orgA, role: "admin" }]);
  });

  it("explains an expired, used or wrong-email invitation in words", async () => {
    const invitee = await newPerson();
    const { invitationId, token } = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: invitee.email,
    });
    expect(await errorOf(as(outsider).organizations.acceptInvitation.mutate({ token }))).toMatchObject({
      code: "FORBIDDEN",
      message: `This invitation is for ${invitee.email}. Sign in with that email to accept it.`,
    });

    await h.database.db.organizationInvitation.update({
      where: { id: invitationId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await as(invitee).organizations.invitation.query({ token })).state).toBe("expired");
    expect(await errorOf(as(invitee).organizations.acceptInvitation.mutate({ token }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This invitation has expired. Ask for a new one.",
    });
    const listed = await as(owner).organizations.invitations.query({ organizationId: orgA });
    expect(listed.find((invitation) => invitation.invitationId === invitationId)?.expired).toBe(true);

    const renewed = await as(owner).organizations.invite.mutate({ organizationId: orgA, email: invitee.email });
    await as(invitee).organizations.acceptInvitation.mutate({ token: renewed.token });
    expect(await errorOf(as(invitee).organizations.acceptInvitation.mutate({ token: renewed.token }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This invitation has already been used. Ask for a new one if you still need to join.",
    });
    expect(
      await errorOf(as(invitee).organizations.acceptInvitation.mutate({ token: "made-up-token-0123456789" })),
    ).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("isn't valid") });
  });

  it("is used once even when accepted twice at the same moment", async () => {
    const invitee = await newPerson();
    const { token } = await as(owner).organizations.invite.mutate({ organizationId: orgA, email: invitee.email });
    const results = await Promise.allSettled([
      as(invitee).organizations.acceptInvitation.mutate({ token }),
      as(invitee).organizations.acceptInvitation.mutate({ token }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const { members } = await as(owner).organizations.members.query({ organizationId: orgA });
    expect(members.filter((m) => m.userId === invitee.id)).toHaveLength(1);
  });
});

describe("live roster", () => {
  it("tells the organization's members pages which list changed, in the change's own transaction", async () => {
    const watch = watchTopic(h.events, "organizations.roster", orgA);
    const elsewhere = watchTopic(h.events, "organizations.roster", orgB);
    const person = await newPerson();
    const { token, invitationId } = await as(owner).organizations.invite.mutate({
      organizationId: orgA,
      email: person.email,
    });
    await watch.until(1);
    await as(owner).organizations.revokeInvitation.mutate({ organizationId: orgA, invitationId });
    const again = await as(owner).organizations.invite.mutate({ organizationId: orgA, email: person.email });
    await as(person).organizations.acceptInvitation.mutate({ token: again.token });
    await as(owner).organizations.changeRole.mutate({ organizationId: orgA, userId: person.id, role: "admin" });
    await as(person).organizations.removeMember.mutate({ organizationId: orgA, userId: person.id });
    await watch.until(7);
    expect(watch.received.map((event) => event.changed)).toEqual([
      "invitations", // invited
      "invitations", // withdrawn
      "invitations", // invited again
      "members", // accepted: a new member…
      "invitations", // …and one invitation fewer
      "members", // role changed
      "members", // left
    ]);
    // A refused change publishes nothing: the only owner can't leave.
    const ownerLeaves = as(owner).organizations.removeMember.mutate({ organizationId: orgA, userId: owner.id });
    expect(await errorOf(ownerLeaves)).toMatchObject({ code: "FORBIDDEN" });
    expect(token).not.toBe(again.token);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.received).toHaveLength(7);
    expect(elsewhere.received).toEqual([]);
    await watch.stop();
    await elsewhere.stop();
  });

  it("follows an organization only for its members, and from where the member list was read", async () => {
    const outsiderFollows = (await h.caller(outsider)).organizations.onRoster({
      organizationId: orgA,
      lastEventId: null,
    });
    expect(await errorOf(outsiderFollows)).toMatchObject({ code: "NOT_FOUND" });
    const badId = (await h.caller(member)).organizations.onRoster({ organizationId: orgA, lastEventId: "yesterday" });
    expect(await errorOf(badId)).toMatchObject({ code: "BAD_REQUEST" });

    // Read the list, then a change lands before the page subscribes: the subscription still gets it.
    const { lastEventId } = await as(member).organizations.members.query({ organizationId: orgA });
    await as(owner).organizations.invite.mutate({ organizationId: orgA, email: `late-${randomUUID()}@example.com` });
    const stream = await (await h.caller(member)).organizations.onRoster({ organizationId: orgA, lastEventId });
    for await (const event of stream) {
      // A server-side caller yields the procedure's own tracked(id, message) envelopes.
      const [, message] = event as unknown as [string, unknown];
      expect(message).toMatchObject({ type: "event", payload: { changed: "invitations" } });
      break; // ends the subscription
    }
  });
});
