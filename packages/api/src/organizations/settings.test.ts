import { createHash, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrganization, createTwoOrganizations, type TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/api-client.ts";
import { useTestApi } from "../../test/file-api.ts";
import { watchTopic } from "../../test/live-events.ts";
import { MAX_ACTIVE_API_KEYS } from "./settings-router.ts";

const h = useTestApi();
let owner: TestAccount;
let admin: TestAccount;
let member: TestAccount;
let outsider: TestAccount;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  ({ owner, admin, member, outsider, orgA, orgB } = await createTwoOrganizations(h.database.db, "settings"));
});

const as = (account: TestAccount) => h.as(account);
/** Every table that a settings call may write, summed up: equal before and after means nothing was written. */
const snapshot = async () => ({
  organizations: await h.database.db.organization.findMany({ orderBy: { id: "asc" } }),
  apiKeys: await h.database.db.apiKey.findMany({ orderBy: { id: "asc" } }),
  outbox: await h.database.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM event_outbox`,
});

describe("reading an organization's settings", () => {
  it("gives every member the name, plan, member count, their role and when it was created", async () => {
    const settings = await as(member).organizations.settings.query({ organizationId: orgA });
    expect(settings).toMatchObject({
      organizationId: orgA,
      name: "Org settings-a",
      plan: "starter",
      memberCount: 3,
      myRole: "member",
    });
    expect(settings.createdAt).toBeInstanceOf(Date);
    expect(typeof settings.lastEventId === "string" || settings.lastEventId === null).toBe(true);
    expect((await as(owner).organizations.settings.query({ organizationId: orgA })).myRole).toBe("owner");
  });

  it("hides another organization's settings as NOT_FOUND", async () => {
    expect(await errorOf(as(outsider).organizations.settings.query({ organizationId: orgA }))).toMatchObject({
      code: "NOT_FOUND",
      message: "We couldn't find that organization.",
    });
  });
});

describe("renaming", () => {
  it("lets an owner or admin rename, trimmed, and every member then reads the new name", async () => {
    expect(await as(admin).organizations.rename.mutate({ organizationId: orgA, name: "  Settings A Ltd  " })).toEqual({
      organizationId: orgA,
      name: "Settings A Ltd",
    });
    expect((await as(member).organizations.settings.query({ organizationId: orgA })).name).toBe("Settings A Ltd");
    expect((await as(member).organizations.mine.query()).find((o) => o.id === orgA)?.name).toBe("Settings A Ltd");
    await as(owner).organizations.rename.mutate({ organizationId: orgA, name: "Org settings-a" });
  });

  it("refuses a plain member in words, and writes nothing", async () => {
    const before = await snapshot();
    expect(
      await errorOf(as(member).organizations.rename.mutate({ organizationId: orgA, name: "Mine now" })),
    ).toMatchObject({ code: "FORBIDDEN", message: "Only an organization admin can do this." });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses another organization's id as NOT_FOUND, and writes nothing", async () => {
    const before = await snapshot();
    expect(
      await errorOf(as(outsider).organizations.rename.mutate({ organizationId: orgA, name: "Taken over" })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["empty", "", "Enter the organization's name."],
    ["only spaces", "   ", "Enter the organization's name."],
    ["over 100 characters", "x".repeat(101), "Use at most 100 characters."],
    ["a NUL byte", "Acme\u0000Corp", "Remove the hidden or unsupported characters from this text."],
    ["a control character", "Acme\u0007", "Remove the hidden or unsupported characters from this text."],
    ["a line break", "Acme\nCorp", "Remove the hidden or unsupported characters from this text."],
    ["10 MB", "x".repeat(10 * 1024 * 1024), null],
  ])("refuses a name that is %s, with a plain message, writing nothing", async (_, name, message) => {
    const before = await snapshot();
    const error = await errorOf(as(owner).organizations.rename.mutate({ organizationId: orgA, name }));
    // 10 MB is refused at the edge (the body limit) before the field is read.
    expect(error.code).toMatch(/BAD_REQUEST|PAYLOAD_TOO_LARGE/);
    if (message) expect(error.fieldErrors?.name).toEqual([message]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a malformed organization id as bad input", async () => {
    const error = await errorOf(as(owner).organizations.rename.mutate({ organizationId: "not-a-uuid", name: "X" }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
  });
});

describe("API keys", () => {
  it("creates a key whose secret is returned once; only its hash and fingerprint are stored", async () => {
    const created = await as(admin).organizations.apiKeys.create.mutate({ organizationId: orgA, name: " CRM sync " });
    expect(created).toMatchObject({ name: "CRM sync", secret: expect.stringMatching(/^sb_live_[\w-]{40,}$/) });
    expect(created.fingerprint).toBe(`sb_live_…${created.secret.slice(-6)}`);

    const stored = await h.database.db.apiKey.findUniqueOrThrow({ where: { id: created.apiKeyId } });
    expect(stored.keyHash).toBe(createHash("sha256").update(created.secret).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    expect(stored).toMatchObject({ revealCiphertext: null, revealTokenHash: null, organizationId: orgA });

    const listed = await as(member).organizations.apiKeys.list.query({ organizationId: orgA });
    const mine = listed.find((key) => key.apiKeyId === created.apiKeyId);
    expect(mine).toEqual({
      apiKeyId: created.apiKeyId,
      name: "CRM sync",
      fingerprint: created.fingerprint,
      createdAt: created.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    // Never the secret, its hash or any reveal material.
    expect(JSON.stringify(listed)).not.toMatch(/sb_live_[\w-]{20,}|keyHash|reveal|secret/i);
  });

  it("lists newest first", async () => {
    const first = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "First" });
    const second = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Second" });
    const ids = (await as(owner).organizations.apiKeys.list.query({ organizationId: orgA })).map((key) => key.apiKeyId);
    expect(ids.indexOf(second.apiKeyId)).toBeLessThan(ids.indexOf(first.apiKeyId));
  });

  it("revokes a key once; revoking it again is a plain error that writes nothing", async () => {
    const { apiKeyId } = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Old" });
    const revoked = await as(admin).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const listed = await as(member).organizations.apiKeys.list.query({ organizationId: orgA });
    expect(listed.find((key) => key.apiKeyId === apiKeyId)?.revokedAt).toEqual(revoked.revokedAt);

    const before = await snapshot();
    expect(
      await errorOf(as(owner).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId })),
    ).toMatchObject({
      code: "CONFLICT",
      appCode: "API_KEY_ALREADY_REVOKED",
      message: 'The key "Old" was already revoked; nothing changed.',
    });
    expect(await snapshot()).toEqual(before);
  });

  it("lets members read the keys but only owners and admins create or revoke them", async () => {
    const { apiKeyId } = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Kept" });
    const before = await snapshot();
    for (const call of [
      as(member).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Sneaky" }),
      as(member).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId }),
    ]) {
      expect(await errorOf(call)).toMatchObject({
        code: "FORBIDDEN",
        message: "Only an organization admin can do this.",
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("hides one organization's keys from another: its ids are NOT_FOUND and nothing is written", async () => {
    const { apiKeyId } = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "A's" });
    const before = await snapshot();
    const calls = [
      as(outsider).organizations.apiKeys.list.query({ organizationId: orgA }),
      as(outsider).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Planted" }),
      as(outsider).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId }),
      // Through their own organization: the key is not theirs.
      as(outsider).organizations.apiKeys.revoke.mutate({ organizationId: orgB, apiKeyId }),
      as(owner).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId: randomUUID() }),
    ];
    for (const call of calls) expect((await errorOf(call)).code).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
    expect(await as(outsider).organizations.apiKeys.list.query({ organizationId: orgB })).toEqual([]);
  });

  it.each([
    ["empty", { name: "" }],
    ["a NUL byte", { name: "key\u0000" }],
    ["over 100 characters", { name: "k".repeat(101) }],
  ])("refuses a key name that is %s, writing nothing", async (_, change) => {
    const before = await snapshot();
    const error = await errorOf(as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, ...change }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(error.fieldErrors?.name).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a malformed key id as bad input", async () => {
    const error = await errorOf(
      as(owner).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId: "' OR 1=1 --" }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
  });

  it(`keeps at most ${MAX_ACTIVE_API_KEYS} active keys, even when created at once; revoking one makes room`, async () => {
    const crowded = (await createTestOrganization(h.database.db, `crowded-${randomUUID().slice(0, 8)}`, [])).id;
    await h.database.db.membership.create({ data: { organizationId: crowded, userId: owner.id, role: "owner" } });
    const create = (name: string) => as(owner).organizations.apiKeys.create.mutate({ organizationId: crowded, name });
    const results = await Promise.allSettled(
      Array.from({ length: MAX_ACTIVE_API_KEYS + 3 }, (_, i) => create(`Key ${i}`)),
    );
    const made = results.filter((result) => result.status === "fulfilled");
    expect(made).toHaveLength(MAX_ACTIVE_API_KEYS);
    expect(await h.database.db.apiKey.count({ where: { organizationId: crowded } })).toBe(MAX_ACTIVE_API_KEYS);
    expect(await errorOf(create("One too many"))).toMatchObject({
      code: "CONFLICT",
      appCode: "API_KEY_LIMIT_REACHED",
      message: `An organization can have at most ${MAX_ACTIVE_API_KEYS} active API keys. Revoke one you no longer use first.`,
    });
    const first = made[0] as PromiseFulfilledResult<{ apiKeyId: string }>;
    await as(owner).organizations.apiKeys.revoke.mutate({ organizationId: crowded, apiKeyId: first.value.apiKeyId });
    await create("Room again");
  });
});

describe("live settings", () => {
  it("tells the organization's open pages about a rename and key changes, in the change's transaction", async () => {
    const watch = watchTopic(h.events, "organizations.roster", orgA);
    const elsewhere = watchTopic(h.events, "organizations.roster", orgB);
    const { apiKeyId } = await as(owner).organizations.apiKeys.create.mutate({ organizationId: orgA, name: "Live" });
    await watch.until(1);
    await as(owner).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId });
    await as(owner).organizations.rename.mutate({ organizationId: orgA, name: "Org settings-a" });
    await watch.until(3);
    expect(watch.received.map((event) => event.changed)).toEqual(["apiKeys", "apiKeys", "organization"]);

    // Refused changes publish nothing.
    await errorOf(as(owner).organizations.apiKeys.revoke.mutate({ organizationId: orgA, apiKeyId }));
    await errorOf(as(member).organizations.rename.mutate({ organizationId: orgA, name: "Nope" }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.received).toHaveLength(3);
    expect(elsewhere.received).toEqual([]);
    await watch.stop();
    await elsewhere.stop();
  });
});
