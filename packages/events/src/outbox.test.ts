import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { formatEventId, START_POSITION } from "./event-position.ts";
import { deliverableHead, READ_DELIVERABLE_SQL, readDeliverable, readScope } from "./outbox.ts";

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // pool.end() resolves before its connections have closed, so dropping the database can still
  // terminate one ("terminating connection due to administrator command"): expected then, and a
  // pool error nobody listens to would crash the test run.
  pool.on("error", () => {});
  // Transaction ids whose decimal spellings sort differently from their values (9 < 10 < 100),
  // all long finished, inserted out of order.
  for (const [txId, n] of [
    [100, 4],
    [9, 1],
    [10, 2],
    [99, 3],
  ] as const) {
    await pool.query(
      "INSERT INTO event_outbox (tx_id, topic, scope, payload) VALUES ($1, 'test.note', 's', $2::jsonb)",
      [txId, JSON.stringify({ n })],
    );
  }
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const ns = (rows: { payload: unknown }[]) => rows.map((row) => (row.payload as { n: number }).n);

it("reads events in numeric transaction order, not in the order of their spelling", async () => {
  expect(ns((await readDeliverable(pool, START_POSITION, 10)).rows)).toEqual([1, 2, 3, 4]);
  const [first] = (await readDeliverable(pool, START_POSITION, 1)).rows;
  expect(ns((await readDeliverable(pool, first!.position, 10)).rows)).toEqual([2, 3, 4]);
});

it("catches a scope up in the same order, up to the frontier", async () => {
  const { rows: all } = await readDeliverable(pool, START_POSITION, 10);
  expect(ns(await readScope(pool, "test.note", "s", START_POSITION, all[2]!.position, 10))).toEqual([1, 2, 3]);
});

it("finds the newest deliverable position as the head", async () => {
  const head = await deliverableHead(pool);
  expect(head && formatEventId(head)).toMatch(/^100\./);
});

it("reports committed rows held back behind a running transaction, in the same read", async () => {
  const { rows: before } = await readDeliverable(pool, START_POSITION, 10);
  const head = before.at(-1)!.position;
  const running = await pool.connect();
  try {
    await running.query("BEGIN");
    await running.query("SELECT pg_current_xact_id()"); // takes a transaction id lower than the next commit's
    await pool.query("INSERT INTO event_outbox (topic, scope, payload) VALUES ('test.note', 's', '{\"n\": 5}')");
    const held = await readDeliverable(pool, head, 10);
    expect(held).toEqual({ rows: [], withheld: true });
    await running.query("COMMIT");
    const released = await readDeliverable(pool, head, 10);
    expect([ns(released.rows), released.withheld]).toEqual([[5], false]);
  } finally {
    running.release();
    await pool.query("DELETE FROM event_outbox WHERE (payload->>'n')::int = 5");
  }
});

it("reads the outbox through its index whatever plan the prepared pump read gets", async () => {
  // PostgreSQL switches a prepared statement to a generic plan (parameters unknown) after five
  // runs; force that plan and make sure no part of the pump's read scans the whole table.
  const client = new pg.Client({ connectionString: database.url, options: "-c plan_cache_mode=force_generic_plan" });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO event_outbox (tx_id, topic, scope, payload)
       SELECT 1000 + g, 'test.bulk', 's', '{}'::jsonb FROM generate_series(1, 20000) AS g`,
    );
    await client.query("ANALYZE event_outbox");
    await client.query(`PREPARE pump_read(bigint, bigint, int) AS ${READ_DELIVERABLE_SQL}`);
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      "EXPLAIN (COSTS OFF) EXECUTE pump_read(5000, 0, 500)",
    );
    const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
    expect(plan).toContain("event_outbox_pkey");
    expect(plan).not.toMatch(/Seq Scan on event_outbox/);
  } finally {
    await client.query("ROLLBACK");
    await client.end();
  }
});
