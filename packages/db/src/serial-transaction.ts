// One query at a time on a transaction's connection. Prisma's query interpreter reads a record's
// relations with Promise.all (query-interpreter.ts, `join` and `concat` nodes): harmless on the
// pool, where each query takes its own connection, but inside an interactive transaction every
// query shares one pg client, and node-postgres deprecates calling query() on a client that is
// still busy ("... will be removed in pg@9.0"; pg@9 refuses it). Upstream's fix
// (prisma/orm#29979, serializing in the adapter) is not released as of @prisma/adapter-pg
// 7.10.1; the order PostgreSQL sees is the same either way, since pg's own queue ran them in turn.
import type { PrismaPg } from "@prisma/adapter-pg";

export type DriverAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
export type DriverTransaction = Awaited<ReturnType<DriverAdapter["startTransaction"]>>;

/** Makes the transaction's queryRaw and executeRaw wait for the previous call to settle. */
export function serializeQueries(transaction: DriverTransaction): void {
  let previous: Promise<unknown> = Promise.resolve();
  const inTurn = <A extends unknown[], R>(run: (...args: A) => Promise<R>) => {
    return (...args: A): Promise<R> => {
      const result = previous.then(
        () => run(...args),
        () => run(...args),
      );
      previous = result.catch(() => {});
      return result;
    };
  };
  transaction.queryRaw = inTurn(transaction.queryRaw.bind(transaction));
  transaction.executeRaw = inTurn(transaction.executeRaw.bind(transaction));
}
