// Foundation costs: migrating an empty database, the drift check run at every server start,
// and resolving a session token per request — beside a bare `SELECT 1` round trip as baseline.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAppEventBus, createContext } from "@switchboard/api";
import { checkDrift, createDatabase, hashPassword, migrate, startEmbeddedPostgres } from "@switchboard/db";
import pino from "pino";
import { percentiles, timeEach, writeResults } from "./measure.ts";

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
  const started = performance.now();
  const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  const embeddedStartMs = performance.now() - started;
  try {
    await server.ensureDatabase("bench");
    const url = server.url("bench");
    const migrateStarted = performance.now();
    await migrate(url);
    const migrateFromEmptyMs = performance.now() - migrateStarted;
    const drift = percentiles(await timeEach(20, () => checkDrift(url)));

    const db = createDatabase(url);
    const user = await db.user.create({
      data: { email: "bench@example.com", name: "Bench", passwordHash: await hashPassword("bench-password") },
    });
    const token = "bench-token";
    const { createHash } = await import("node:crypto");
    await db.authSession.create({
      data: {
        userId: user.id,
        tokenHash: createHash("sha256").update(token).digest("hex"),
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const log = pino({ level: "silent" });
    // Session resolution only: the bus is handed to the context, never started.
    const events = createAppEventBus({ databaseUrl: url });
    await timeEach(200, () => db.$queryRaw`SELECT 1`); // warm the pool
    const baseline = percentiles(await timeEach(2000, () => db.$queryRaw`SELECT 1`));
    const session = percentiles(
      await timeEach(2000, () => createContext({ db, log, events }, { token, requestId: "bench" })),
    );
    await db.$disconnect();

    writeResults("foundation", {
      embeddedPostgresStartMs: Math.round(embeddedStartMs),
      migrateFromEmptyMs: Math.round(migrateFromEmptyMs),
      driftCheckMs: drift,
      baselineSelect1Ms: baseline,
      sessionResolutionMs: session,
      sessionResolutionOverBaselineP50: Math.round((session.p50 / baseline.p50) * 100) / 100,
    });
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
