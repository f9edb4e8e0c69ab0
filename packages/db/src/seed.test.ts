import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/test-database.ts";
import { createDatabase } from "./client.ts";
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

describe("demo seed started by several instances at once", () => {
  it("succeeds everywhere and creates the demo data exactly once", async () => {
    const fresh = await createTestDatabase();
    // One client (one pool) per instance, as separate server processes would have.
    const instances = Array.from({ length: 5 }, () => createDatabase(fresh.url, { poolSize: 2 }));
    try {
      const results = await Promise.allSettled(instances.map((db) => seedDemoData(db)));
      expect(results.map((r) => r.status)).toEqual(Array(5).fill("fulfilled"));
      const seeded = results.map((r) => (r.status === "fulfilled" ? r.value.seeded : null));
      expect(seeded.filter((s) => s === true)).toHaveLength(1);
      expect(seeded.filter((s) => s === false)).toHaveLength(4);
      const { db } = fresh;
      expect(await db.user.count()).toBe(Object.keys(DEMO_ACCOUNTS).length);
      expect(await db.organization.count()).toBe(1);
      expect(await db.agent.count()).toBe(1);
      expect(await db.mechanic.count()).toBe(2);
      expect(await db.goal.count()).toBe(1);
    } finally {
      await Promise.all(instances.map((db) => db.$disconnect()));
      await fresh.drop();
    }
  });
});
