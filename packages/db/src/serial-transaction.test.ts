// node-postgres deprecates a second query on a client that is still busy with one (pg@9 makes it
// an error). Prisma's query interpreter reads a record's relations with Promise.all, so inside
// an interactive transaction, whose queries all share one connection, an `include` of several
// relations did exactly that. Each vitest file runs in its own process, so the once-per-process
// warning cannot have been used up by another file before this one listens for it.
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it("a transaction's read of several relations at once sends its queries one at a time", async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    const { db } = database;
    const user = await db.user.create({
      data: {
        email: "relations@example.com",
        name: "Relations",
        passwordHash: "x",
        goals: { create: [{ title: "One" }, { title: "Two" }] },
        conversations: { create: { title: "Hello" } },
        actionItems: { create: { title: "Call back" } },
      },
    });
    const read = await db.$transaction((tx) =>
      tx.user.findUniqueOrThrow({
        where: { id: user.id },
        include: { goals: true, conversations: true, actionItems: true, authSessions: true, memberships: true },
      }),
    );
    expect(read.goals).toHaveLength(2);
    expect(read.conversations).toHaveLength(1);
    expect(read.actionItems).toHaveLength(1);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", onWarning);
  }
  expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);
});
