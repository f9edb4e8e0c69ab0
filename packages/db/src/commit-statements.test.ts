import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/test-database.ts";
import { createDatabase, type Database } from "./client.ts";
import { atCommit, NotASwitchboardTransactionError } from "./commit-statements.ts";

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await db.$executeRawUnsafe("CREATE TABLE commit_probe (label text PRIMARY KEY)");
});
afterAll(async () => {
  await database.drop();
});

const probe = (label: string) => `INSERT INTO commit_probe (label) VALUES ('${label}')`;
const labels = async (client: Database = db) =>
  (await client.$queryRaw<{ label: string }[]>`SELECT label FROM commit_probe ORDER BY label`).map((r) => r.label);
const clear = () => db.$executeRawUnsafe("TRUNCATE commit_probe");
const userData = (email: string) => ({ email, name: "Probe", passwordHash: "x" });

describe("atCommit", () => {
  it("runs the statement inside the transaction at its COMMIT, then calls back", async () => {
    await clear();
    const calls: string[] = [];
    await db.$transaction(async (tx) => {
      await tx.user.create({ data: userData("commit-a@example.com") });
      atCommit(tx, probe("a"), () => calls.push("committed"));
      // Not yet run: it travels with the COMMIT.
      expect(await tx.$queryRaw<unknown[]>`SELECT label FROM commit_probe`).toEqual([]);
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(["committed"]);
    expect(await labels()).toEqual(["a"]);
    expect(await db.user.count({ where: { email: "commit-a@example.com" } })).toBe(1);
  });

  it("runs nothing and calls nothing when the transaction rolls back", async () => {
    await clear();
    const calls: string[] = [];
    await expect(
      db.$transaction(async (tx) => {
        await tx.user.create({ data: userData("commit-b@example.com") });
        atCommit(tx, probe("b"), () => calls.push("committed"));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(calls).toEqual([]);
    expect(await labels()).toEqual([]);
    expect(await db.user.count({ where: { email: "commit-b@example.com" } })).toBe(0);
  });

  it("fails the whole transaction when a statement fails, and leaves the connection usable", async () => {
    await clear();
    // One connection: the next transaction must get the very connection the failure happened on.
    const single = createDatabase(database.url, { poolSize: 1 });
    try {
      const calls: string[] = [];
      await expect(
        single.$transaction(async (tx) => {
          await tx.user.create({ data: userData("commit-c@example.com") });
          atCommit(tx, probe("dup"));
          atCommit(tx, probe("dup"), () => calls.push("committed")); // violates the primary key
        }),
      ).rejects.toThrow(/UniqueConstraintViolation/);
      expect(calls).toEqual([]);
      expect(await single.user.count({ where: { email: "commit-c@example.com" } })).toBe(0);
      expect(await labels(single)).toEqual([]);
      await single.$transaction(async (tx) => atCommit(tx, probe("after")));
      expect(await labels(single)).toEqual(["after"]);
    } finally {
      await single.$disconnect();
    }
  });

  it("keeps each concurrent transaction's statements with that transaction", async () => {
    await clear();
    const committed: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const label = `t${String(i).padStart(2, "0")}`;
        const rollBack = i % 3 === 0;
        try {
          await db.$transaction(async (tx) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
            atCommit(tx, probe(label));
            await tx.$queryRaw`SELECT 1`;
            if (rollBack) throw new Error("roll back");
          });
          committed.push(label);
        } catch {
          // rolled back on purpose
        }
      }),
    );
    expect(await labels()).toEqual(committed.sort());
    expect(committed).toHaveLength(20);
  });

  it("gives a transaction started inside another's callback its own statements", async () => {
    await clear();
    await expect(
      db.$transaction(async (outer) => {
        await db.$transaction(async (inner) => atCommit(inner, probe("inner")));
        await db.$transaction([db.$queryRaw`SELECT 1`]);
        atCommit(outer, probe("outer"));
        throw new Error("roll back the outer one");
      }),
    ).rejects.toThrow("roll back the outer one");
    expect(await labels()).toEqual(["inner"]);
  });

  it("keeps the transaction options", async () => {
    const level = await db.$transaction(
      async (tx) => {
        atCommit(tx, "SELECT 1");
        const [row] = await tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`;
        return row?.transaction_isolation;
      },
      { isolationLevel: "Serializable" },
    );
    expect(level).toBe("serializable");
  });

  it("refuses anything that is not a transaction's tx", () => {
    expect(() => atCommit(db, probe("x"))).toThrow(NotASwitchboardTransactionError);
    expect(() => atCommit({}, probe("x"))).toThrow(NotASwitchboardTransactionError);
  });

  it("refuses a transaction that has already committed or rolled back", async () => {
    await clear();
    const committed = await db.$transaction(async (tx) => tx);
    expect(() => atCommit(committed, probe("late"))).toThrow(/already ended/);
    let rolledBack: object | null = null;
    await db
      .$transaction(async (tx) => {
        rolledBack = tx;
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(() => atCommit(rolledBack!, probe("late"))).toThrow(/already ended/);
    expect(await labels()).toEqual([]);
  });
});
