// SQL over the event_outbox table. The one rule that makes delivery safe against
// out-of-order commits: rows are read only when their transaction id is below the oldest
// transaction of THIS database still running in the reader's snapshot (the delivery horizon).
// Every transaction below the horizon that could have written to this outbox has finished, so
// no row can later appear behind a cursor that has passed it; rows of still-running or
// just-committed transactions above it wait a moment.
//
// Why not plain pg_snapshot_xmin: transaction ids are cluster-wide, so a long write in another
// database on the same server (another application, a CREATE DATABASE, a migration) would hold
// every event back until it ended. The horizon skips snapshot transactions that are, at that
// moment, running in another database (pg_stat_activity.backend_xid): a transaction stays in
// one database all its life, so it can never write here. One that finished since the snapshot
// is kept (it may have been ours); the next read's snapshot no longer has it.
import pg from "pg";
import type { EventPosition } from "./event-position.ts";

export interface OutboxRow {
  position: EventPosition;
  topic: string;
  scope: string;
  payload: unknown;
  createdAt: Date;
}

interface RawRow {
  tx_id: string;
  id: string;
  topic: string;
  scope: string;
  payload: unknown;
  created_at: Date;
}

const toRow = (r: RawRow): OutboxRow => ({
  position: { txId: BigInt(r.tx_id), id: BigInt(r.id) },
  topic: r.topic,
  scope: r.scope,
  payload: r.payload,
  createdAt: r.created_at,
});

// pg_current_snapshot() is the statement's own snapshot, the one its visibility follows. A
// running transaction's xid is recent, so its low 32 bits (backend_xid) name it exactly. The
// other databases' transactions are read once per statement (a hashed NOT IN) from
// pg_stat_get_activity, the function under the pg_stat_activity view: the view's joins made
// planning alone cost more than the rest of the pump's read.
const HORIZON = `(SELECT COALESCE(min(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
   FROM pg_snapshot_xip(pg_current_snapshot()) AS x
   WHERE x::text::bigint % 4294967296 NOT IN (
     SELECT a.backend_xid::text::bigint FROM pg_stat_get_activity(NULL) AS a
      WHERE a.backend_xid IS NOT NULL
        AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())))`;
const SAFE = `e.tx_id < ${HORIZON}`;
// Positions are selected as text (bigint exceeds JS numbers). Every ORDER BY names the
// table's columns as e.tx_id / e.id: a bare `tx_id` would order by the text output column.
const COLUMNS = "e.tx_id::text AS tx_id, e.id::text AS id, e.topic, e.scope, e.payload, e.created_at";

/**
 * The INSERT of one event, for the caller's transaction to run at its COMMIT (atCommit): values
 * inlined as escaped literals, since it travels with the COMMIT over the simple query protocol.
 */
export function insertEventStatement(topic: string, scope: string, payload: unknown): string {
  const literal = pg.escapeLiteral;
  return `INSERT INTO event_outbox (topic, scope, payload) VALUES (${literal(topic)}, ${literal(scope)}, ${literal(JSON.stringify(payload))}::jsonb)`;
}

/**
 * The pump's read. Withheld rows (committed or not, tx_id >= horizon) always sort after every
 * deliverable one, and the cursor only ever passes rows below some earlier horizon, so "anything
 * withheld after the cursor" is "the newest row is at or above the horizon": one backward step
 * down the primary key, with no parameter in it. (Asked as "any row after $cursor at or above the
 * horizon", PostgreSQL's generic plan for the prepared statement — used after five runs — scanned
 * the whole outbox for it on every pump.)
 */
export const READ_DELIVERABLE_SQL = `WITH h AS MATERIALIZED (SELECT ${HORIZON} AS horizon),
     r AS (SELECT e.tx_id AS tx, e.id AS seq, ${COLUMNS} FROM event_outbox e, h
            WHERE (e.tx_id, e.id) > ($1::bigint, $2::bigint) AND e.tx_id < h.horizon
            ORDER BY e.tx_id, e.id LIMIT $3)
     SELECT r.tx_id, r.id, r.topic, r.scope, r.payload, r.created_at,
            COALESCE((SELECT n.tx_id FROM event_outbox n ORDER BY n.tx_id DESC, n.id DESC LIMIT 1)
                       >= (SELECT horizon FROM h), false) AS withheld
       FROM (SELECT 1) AS one LEFT JOIN r ON true
      ORDER BY r.tx, r.seq`;

/**
 * The next deliverable rows of every topic after `after`, in delivery order, and whether
 * committed rows after them are held back by an older running transaction (look again shortly).
 * One statement, one horizon: the pump runs it after every burst of commits.
 */
export async function readDeliverable(
  db: pg.Pool,
  after: EventPosition,
  limit: number,
): Promise<{ rows: OutboxRow[]; withheld: boolean }> {
  // A prepared statement: the pump runs it after every burst of commits, and planning it each
  // time cost the database more than running it.
  const { rows } = await db.query<Partial<RawRow> & { withheld: boolean }>({
    name: "switchboard-outbox-read-deliverable",
    text: READ_DELIVERABLE_SQL,
    values: [after.txId.toString(), after.id.toString(), limit],
  });
  return {
    rows: rows.filter((r): r is RawRow & { withheld: boolean } => r.tx_id != null).map(toRow),
    withheld: rows[0]?.withheld ?? false,
  };
}

/** The last deliverable position right now: where a process that just started begins. */
export async function deliverableHead(db: pg.Pool): Promise<EventPosition | null> {
  const { rows } = await db.query<{ tx_id: string; id: string }>(
    `SELECT e.tx_id::text, e.id::text FROM event_outbox e WHERE ${SAFE} ORDER BY e.tx_id DESC, e.id DESC LIMIT 1`,
  );
  const row = rows[0];
  return row ? { txId: BigInt(row.tx_id), id: BigInt(row.id) } : null;
}

/** One topic and scope's rows in (after, upTo], for a resuming subscriber's catch-up. */
export async function readScope(
  db: pg.Pool,
  topic: string,
  scope: string,
  after: EventPosition,
  upTo: EventPosition,
  limit: number,
): Promise<OutboxRow[]> {
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM event_outbox e
      WHERE e.topic = $1 AND e.scope = $2
        AND (e.tx_id, e.id) > ($3::bigint, $4::bigint) AND (e.tx_id, e.id) <= ($5::bigint, $6::bigint)
      ORDER BY e.tx_id, e.id LIMIT $7`,
    [topic, scope, after.txId.toString(), after.id.toString(), upTo.txId.toString(), upTo.id.toString(), limit],
  );
  return rows.map(toRow);
}

/**
 * Whether a resume from `position` can be served from the outbox:
 *   - "retained": yes. Pruning removes a prefix in delivery order, so if any row at or before
 *     the position is still there, nothing after it was pruned (the start position always is);
 *   - "pruned": rows after it may have been pruned (it is older than the retention);
 *   - "ahead": no row at or after it exists, yet some row does. A position a client was given
 *     is a row that committed, so this one comes from another history (a restored or reset
 *     database): its numbers will be reused by new events, which would be skipped as seen.
 *     (A client that saw an event this instance has not delivered yet is not "ahead": the row
 *     exists.) An empty outbox reads as "pruned", which asks for the same resync.
 */
export async function resumeState(db: pg.Pool, position: EventPosition): Promise<"retained" | "pruned" | "ahead"> {
  if (position.txId === 0n && position.id === 0n) return "retained";
  const { rows } = await db.query<{ before: boolean; after: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM event_outbox WHERE (tx_id, id) <= ($1::bigint, $2::bigint)) AS before,
            EXISTS (SELECT 1 FROM event_outbox WHERE (tx_id, id) >= ($1::bigint, $2::bigint)) AS after`,
    [position.txId.toString(), position.id.toString()],
  );
  const { before = false, after = false } = rows[0] ?? {};
  if (!before) return "pruned";
  return after ? "retained" : "ahead";
}

/** A transaction of this database with a transaction id, as pg_stat_activity shows it. */
interface RunningWriter {
  pid: number;
  applicationName: string | null;
  /** Its transaction id (backend_xid): names the transaction, not just the connection. */
  xid: string;
  transactionMs: number | null;
}

/**
 * The oldest transaction of this database that holds a transaction id: the one the delivery
 * horizon waits for when rows are withheld for long (younger ones only wait behind it).
 */
export async function oldestRunningWriter(db: pg.Pool): Promise<RunningWriter | null> {
  const { rows } = await db.query<{ pid: number; application_name: string | null; xid: string; ms: string | null }>(
    `SELECT pid, application_name, backend_xid::text AS xid,
            (extract(epoch FROM clock_timestamp() - xact_start) * 1000)::bigint::text AS ms
       FROM pg_stat_activity
      WHERE datname = current_database() AND backend_xid IS NOT NULL
      ORDER BY age(backend_xid) DESC LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    pid: row.pid,
    applicationName: row.application_name || null,
    xid: row.xid,
    transactionMs: row.ms === null ? null : Number(row.ms),
  };
}

/** Deletes a prefix (in delivery order) of rows older than the cutoff. Safe to run anywhere, any time. */
export async function pruneOlderThan(db: pg.Pool, cutoff: Date): Promise<number> {
  const result = await db.query(
    `DELETE FROM event_outbox WHERE (tx_id, id) <= (
       SELECT e.tx_id, e.id FROM event_outbox e WHERE e.created_at < $1 AND ${SAFE} ORDER BY e.tx_id DESC, e.id DESC LIMIT 1)`,
    [cutoff],
  );
  return result.rowCount ?? 0;
}
