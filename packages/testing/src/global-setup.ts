// Vitest global setup: one PostgreSQL server for the whole run and one migrated template
// database; every test file then clones its own database from the template (fast, isolated).
// With DATABASE_URL set (CI's second pass) the databases are created on that server instead
// of an embedded one.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  databaseUrlFor,
  dropDatabasesWithPrefix,
  type EmbeddedPostgresServer,
  migrate,
  runPrefix,
  startEmbeddedPostgres,
} from "@switchboard/db";
import type { TestProject } from "vitest/node";
import "./provided-context.ts";

export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgresServer | null = null;
  let dataDir: string | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "switchboard-test-pg-"));
    embedded = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    serverUrl = embedded.url("postgres");
  }
  const prefix = runPrefix();
  const template = `${prefix}_template`;
  const { Client } = (await import("pg")).default;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(template)}`);
  await admin.end();
  await migrate(databaseUrlFor(serverUrl, template));

  project.provide("testServerUrl", serverUrl);
  project.provide("testTemplateDatabase", template);

  return async () => {
    await dropDatabasesWithPrefix(serverUrl, prefix);
    if (embedded) await embedded.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
