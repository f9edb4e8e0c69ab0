// Foundation costs: migrating an empty database, the drift check run at every server start,
// and resolving a session token per request — beside a bare `SELECT 1` round trip as baseline.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAppEventBus, createContext } from "@switchboard/api";
import { checkDrift, createDatabase, hashPassword, migrate, startEmbeddedPostgres } from "@switchboard/db";
import pino from "pino";
import { percentiles, runBenchmark, timeEach } from "./measure.ts";

export function run(): Promise<void> {
  return runBenchmark("foundation", async (results) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
    const started = performance.now();
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    results.set("embeddedPostgresStartMs", Math.round(performance.now() - started));
    const db = createDatabase(server.url("bench"));
    try {
      await server.ensureDatabase("bench");
      const url = server.url("bench");
      const migrateStarted = performance.now();
      await migrate(url);
      results.set("migrateFromEmptyMs", Math.round(performance.now() - migrateStarted));
      await results.arm("driftCheckMs", async () => percentiles(await timeEach(20, () => checkDrift(url))));

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
      const baseline = await results.arm("baselineSelect1Ms", async () =>
        percentiles(await timeEach(2000, () => db.$queryRaw`SELECT 1`)),
      );
      const session = await results.arm("sessionResolutionMs", async () =>
        percentiles(await timeEach(2000, () => createContext({ db, log, events }, { token, requestId: "bench" }))),
      );
      if (baseline && session) {
        results.set("sessionResolutionOverBaselineP50", Math.round((session.p50 / baseline.p50) * 100) / 100);
      }
    } finally {
      await db.$disconnect();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}
