// Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL cluster
// under the data directory (default `.data/` at the repository root), started on demand.
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded.ts";
import { repoRoot } from "./schema-model.ts";

export const defaultDataDir = path.join(repoRoot, ".data");
const EMBEDDED_DATABASE_NAME = "switchboard";

/** A DATABASE_URL this project cannot honour; the message says why and what to do instead. */
export class UnsupportedDatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedDatabaseUrlError";
  }
}

/**
 * Refuses `?schema=` naming anything but `public`. Prisma reads that parameter, but only for its
 * own client; node-postgres ignores it, so the migration runner, the drift check, the event bus
 * and the job worker would all work in `public` while the Prisma client looked elsewhere. Every
 * migration and raw query names tables unqualified and expects them in `public`; honouring
 * another schema would mean qualifying all of them. Silently using `public` instead is what
 * this refusal replaces. A separate database isolates one installation from another just as well.
 */
export function assertSupportedDatabaseUrl(databaseUrl: string): void {
  let schema: string | null;
  try {
    schema = new URL(databaseUrl).searchParams.get("schema");
  } catch {
    return; // not a URL (e.g. a libpq keyword string): node-postgres reports it when connecting
  }
  if (schema !== null && schema !== "public") {
    throw new UnsupportedDatabaseUrlError(
      `DATABASE_URL asks for schema "${schema}" (?schema=${schema}), but Switchboard only uses the "public" schema: ` +
        "its migrations, drift check, event bus and background jobs all work there. " +
        "Remove ?schema= from DATABASE_URL, and give this installation a database of its own instead of a schema.",
    );
  }
}

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
  if (options.databaseUrl) {
    assertSupportedDatabaseUrl(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir ?? defaultDataDir, "postgres"),
    port: options.port,
    onLog: options.onLog,
  });
  await server.ensureDatabase(EMBEDDED_DATABASE_NAME);
  return { url: server.url(EMBEDDED_DATABASE_NAME), embedded: true, stop: () => server.stop() };
}
