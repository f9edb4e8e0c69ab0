// Which process runs a session's pipeline: a lease row in onboarding_locks. Taking it is one
// atomic upsert that succeeds only when nobody holds a live lease, so with several server
// instances each pipeline runs on exactly one; a crashed holder's lease simply expires.
// Every write a runner makes checks (and locks) its lease in the same transaction, so a runner
// that lost its lease can never record anything.
import type { Database, Transaction } from "@switchboard/db";

export class LeaseLostError extends Error {
  constructor(sessionId: string) {
    super(`the lease on onboarding session ${sessionId} was lost`);
    this.name = "LeaseLostError";
  }
}

export async function acquireLease(db: Database, sessionId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ owner: string }[]>`
    INSERT INTO onboarding_locks (session_id, owner, expires_at)
    VALUES (${sessionId}::uuid, ${owner}, now() + ${leaseMs} * interval '1 millisecond')
    ON CONFLICT (session_id) DO UPDATE
      SET owner = EXCLUDED.owner, acquired_at = now(), expires_at = EXCLUDED.expires_at
      WHERE onboarding_locks.expires_at < now() OR onboarding_locks.owner = EXCLUDED.owner
    RETURNING owner`;
  return rows.length === 1;
}

export async function renewLease(db: Database, sessionId: string, owner: string, leaseMs: number): Promise<boolean> {
  const renewed = await db.$executeRaw`
    UPDATE onboarding_locks SET expires_at = now() + ${leaseMs} * interval '1 millisecond'
     WHERE session_id = ${sessionId}::uuid AND owner = ${owner} AND expires_at > now()`;
  return renewed === 1;
}

export async function releaseLease(db: Database, sessionId: string, owner: string): Promise<void> {
  await db.$executeRaw`DELETE FROM onboarding_locks WHERE session_id = ${sessionId}::uuid AND owner = ${owner}`;
}

/** Inside a recording transaction: holds the lease row until commit, or throws LeaseLostError. */
export async function assertLease(tx: Transaction, sessionId: string, owner: string): Promise<void> {
  const rows = await tx.$queryRaw<{ owner: string }[]>`
    SELECT owner FROM onboarding_locks
     WHERE session_id = ${sessionId}::uuid AND owner = ${owner} AND expires_at > now()
     FOR UPDATE`;
  if (rows.length !== 1) throw new LeaseLostError(sessionId);
}

/** Sessions that should be running and that nobody holds a live lease on. */
export async function findUnclaimedSessions(db: Database, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT s.id::text FROM onboarding_sessions s
     WHERE s.status = 'in_progress'
       AND NOT EXISTS (SELECT 1 FROM onboarding_locks l WHERE l.session_id = s.id AND l.expires_at > now())
     ORDER BY s.updated_at LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/**
 * Paid sessions whose owner never came back to start setup (closed the tab after paying) are
 * started after a grace period; the runners then pick them up like any other.
 */
export async function startAbandonedPaidSessions(db: Database, graceMs: number): Promise<number> {
  return db.$executeRaw`
    UPDATE onboarding_sessions SET status = 'in_progress', started_at = now(), updated_at = now()
     WHERE status = 'pending' AND payment_status = 'paid'
       AND updated_at < now() - ${graceMs} * interval '1 millisecond'`;
}
