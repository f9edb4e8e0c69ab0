import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "./password.ts";
import { DEMO_ACCOUNTS, seedDemoData } from "./seed.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("demo seed", () => {
  it("creates the demo accounts once, with working passwords and roles", async () => {
    expect(await seedDemoData(database.db)).toEqual({ seeded: true });
    expect(await seedDemoData(database.db)).toEqual({ seeded: false });
    const { db } = database;
    expect(await db.user.count()).toBe(Object.keys(DEMO_ACCOUNTS).length);
    const mechanic = await db.user.findUniqueOrThrow({
      where: { email: DEMO_ACCOUNTS.mechanic.email },
      include: { mechanic: true },
    });
    expect(mechanic.role).toBe("mechanic");
    expect(mechanic.mechanic?.displayName).toBe(DEMO_ACCOUNTS.mechanic.name);
    expect(await verifyPassword(DEMO_ACCOUNTS.mechanic.password, mechanic.passwordHash)).toBe(true);
    expect(await verifyPassword("wrong", mechanic.passwordHash)).toBe(false);
    expect(await db.mechanic.count()).toBe(2);
    const owner = await db.user.findUniqueOrThrow({
      where: { email: DEMO_ACCOUNTS.owner.email },
      include: { memberships: true },
    });
    expect(owner.memberships).toEqual([expect.objectContaining({ role: "owner" })]);
    const agent = await db.agent.findFirstOrThrow({ include: { publishedVersion: true } });
    expect(agent.publishedVersion?.status).toBe("published");
    const coach = await db.user.findUniqueOrThrow({
      where: { email: DEMO_ACCOUNTS.coaching.email },
      include: { profile: true, goals: true },
    });
    expect(coach.profile?.onboardingCompleted).toBe(true);
    expect(coach.goals).toHaveLength(1);
  });
});
