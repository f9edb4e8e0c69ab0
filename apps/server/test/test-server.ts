// For server test files: a fresh database, a started event bus and the real server over them,
// serving a throwaway dashboard directory with the files a test names.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type AppEventBus, createAppEventBus, type Services } from "@switchboard/api";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import pino from "pino";
import { liveDirectFrames } from "../src/env.ts";
import { type RunningServer, type ServerOptions, startServer } from "../src/server.ts";

export interface TestServer {
  database: TestDatabase;
  events: AppEventBus;
  server: RunningServer;
  dashboardDist: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    /** Files of the built dashboard, by path below its directory (e.g. "assets/app.js"). */
    dashboardFiles?: Record<string, string>;
    /** Services beside the test's own database and bus (a silent logger unless given). */
    services?: Partial<Omit<Services, "db" | "events">>;
  } & Partial<Omit<ServerOptions, "services" | "databaseUrl" | "dashboardDist">> = {},
): Promise<TestServer> {
  const { dashboardFiles = {}, services, ...serverOptions } = options;
  const database = await createTestDatabase();
  const dashboardDist = await mkdtemp(path.join(os.tmpdir(), "sb-dist-"));
  for (const [file, content] of Object.entries(dashboardFiles)) {
    await mkdir(path.dirname(path.join(dashboardDist, file)), { recursive: true });
    await writeFile(path.join(dashboardDist, file), content);
  }
  const events = createAppEventBus({ databaseUrl: database.url });
  await events.start();
  const server = await startServer(
    {
      // CI runs the server tests a second time with LIVE_DIRECT_FRAMES=false (.ci/run).
      directFrames: liveDirectFrames(process.env),
      ...serverOptions,
      services: { log: pino({ level: "silent" }), ...services, db: database.db, events },
      databaseUrl: database.url,
      dashboardDist,
    },
    { port: 0, host: "127.0.0.1" },
  );
  return {
    database,
    events,
    server,
    dashboardDist,
    async close() {
      await server.close();
      await events.stop();
      await database.drop();
    },
  };
}
