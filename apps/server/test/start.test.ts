import { chmod, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { prepareDatabase } from "../src/bootstrap.ts";
import { parseEnv } from "../src/env.ts";
import { createLogger } from "../src/logger.ts";
import { startChildServer } from "./child-server.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db;
}

describe("switchboard start", () => {
  it("refuses to serve on a database missing a column, naming the column and the fix", async () => {
    const { db, url } = await database();
    await db.$executeRawUnsafe(`ALTER TABLE "session_requests" DROP COLUMN "metadata"`);
    const child = startChildServer({ DATABASE_URL: url });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("column session_requests.metadata is missing");
    expect(child.output()).toMatch(/Fix: .*pnpm db:migrate/);
  });

  it("refuses to serve on an unmigrated database and names the migration and command", async () => {
    const { db, url } = await database();
    await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations"`);
    const child = startChildServer({ DATABASE_URL: url });
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/migration \d+_init has not been applied/);
    expect(child.output()).toContain("Run `pnpm db:migrate`");
  });

  it("brings up several instances started together on a fresh database, seeding the demo data once", async () => {
    const fresh = await createEmptyTestDatabase();
    cleanups.push(fresh.drop);
    const env = parseEnv({ DATABASE_URL: fresh.url, MIGRATE_ON_START: "true", SEED_DEMO_DATA: "true" });
    // migrate → drift check → seed, four times at once, as four server processes would.
    const started = await Promise.allSettled(
      Array.from({ length: 4 }, () => prepareDatabase(env, createLogger("silent"))),
    );
    for (const result of started) if (result.status === "fulfilled") cleanups.push(() => result.value.close());
    expect(started.map((r) => (r.status === "rejected" ? String(r.reason) : "up"))).toEqual(Array(4).fill("up"));
    const { db } = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof prepareDatabase>>>).value;
    expect(await db.user.count({ where: { email: "customer@demo.switchboard.dev" } })).toBe(1);
    expect(await db.organization.count()).toBe(1);
  });

  it("refuses a DATABASE_URL naming another schema, saying why", async () => {
    const child = startChildServer({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x?schema=tenant_a" });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain('Switchboard only uses the "public" schema');
    expect(child.output()).toContain("Remove ?schema= from DATABASE_URL");
  });

  it("stops on an invalid variable, naming it", async () => {
    expect(() => parseEnv({ PORT: "not-a-port" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL: must be a postgresql:\/\/ connection URL/,
    );
    const child = startChildServer({ STRIPE_SECRET_KEY: "pk_live_wrong_kind" });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("STRIPE_SECRET_KEY");
  });

  it("closes sockets and exits cleanly on SIGTERM", async () => {
    const { url: databaseUrl } = await database();
    const child = startChildServer({ DATABASE_URL: databaseUrl });
    const url = await child.ready;
    const socket = new WebSocket(`${url.replace("http", "ws")}/trpc`);
    await new Promise((resolve, reject) => {
      socket.on("open", resolve);
      socket.on("error", reject);
    });
    const closed = new Promise((resolve) => socket.on("close", resolve));
    child.process.kill("SIGTERM");
    expect(await child.exited, `the server's output:\n${child.output()}`).toBe(0);
    await closed;
    expect(child.output()).toContain('"msg":"stopped"');
  });

  it("with no DATABASE_URL runs embedded PostgreSQL that keeps data across restarts and seeds once", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-embedded-"));
    await chmod(dataDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach it
    const signIn = async (url: string) => {
      const response = await fetch(`${url}/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: "customer@demo.switchboard.dev", password: "demo-customer-pass" } }),
      });
      return response.status;
    };

    const first = startChildServer({ SWITCHBOARD_DATA_DIR: dataDir });
    const firstUrl = await first.ready;
    expect(first.output()).toContain("demo data created");
    expect(first.output()).toContain("customer@demo.switchboard.dev");
    expect(await signIn(firstUrl)).toBe(200);
    first.process.kill("SIGINT");
    expect(await first.exited, `the server's output:\n${first.output()}`).toBe(0);

    const second = startChildServer({ SWITCHBOARD_DATA_DIR: dataDir });
    const secondUrl = await second.ready;
    expect(second.output()).not.toContain("demo data created");
    expect(await signIn(secondUrl)).toBe(200);
    second.process.kill("SIGTERM");
    expect(await second.exited, `the server's output:\n${second.output()}`).toBe(0);
  }, 60_000);
});
