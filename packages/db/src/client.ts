import { CommitStatementsPg, withCommitStatements } from "./commit-statements.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Database = PrismaClient;
/** The client handed to a Prisma interactive transaction callback. */
export type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface DatabaseOptions {
  /** Connection pool size for this process (node-postgres `max`). */
  poolSize?: number;
}

/** A Prisma client over node-postgres (no native engine). One per process, closed with `$disconnect()`. */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const adapter = new CommitStatementsPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return withCommitStatements(new PrismaClient({ adapter }));
}
