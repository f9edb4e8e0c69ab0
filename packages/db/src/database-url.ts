// Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL cluster
// under the data directory (default `.data/` at the repository root), started on demand.
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded.ts";
import { repoRoot } from "./schema-model.ts";

export const defaultDataDir = path.join(repoRoot, ".data");
export const EMBEDDED_DATABASE_NAME = "switchboard";

export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  /** Stops the embedded cluster; a no-op for an external DATABASE_URL. */
  stop(): Promise<void>;
}

export async function locateDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  port?: number | undefined;
  onLog?: (line: string) => void;
}): Promise<DatabaseLocation> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir ?? defaultDataDir, "postgres"),
    port: options.port,
    onLog: options.onLog,
  });
  await server.ensureDatabase(EMBEDDED_DATABASE_NAME);
  return { url: server.url(EMBEDDED_DATABASE_NAME), embedded: true, stop: () => server.stop() };
}
