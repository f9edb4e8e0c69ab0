// Statements that ride on a transaction's COMMIT. atCommit(tx, sql) adds a statement that runs
// inside the transaction right before its COMMIT, sent with the COMMIT in one round trip, and
// an optional callback that runs once the COMMIT has succeeded. The event bus writes its outbox
// rows this way: the row is part of the caller's transaction (it exists if and only if the
// transaction commits), yet costs the caller no statement of its own through Prisma's query
// path, and the bus learns of the commit without asking PostgreSQL.
//
// How a Prisma transaction callback's `tx` is tied to its connection: Database.$transaction
// runs Prisma's inside an AsyncLocalStorage scope holding a fresh TransactionState and records
// `tx → state`; the driver adapter's startTransaction, called from within that scope, binds the
// state to the connection's transaction and watches for Prisma's COMMIT on it.
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import { type DriverAdapter, type DriverTransaction, serializeQueries } from "./serial-transaction.ts";

type SqlQuery = Parameters<DriverTransaction["executeRaw"]>[0];

interface TransactionState {
  bound: boolean;
  /** COMMIT or ROLLBACK has been sent: nothing can be added any more. */
  ended: boolean;
  statements: string[];
  onCommitted: (() => void)[];
}

const scope = new AsyncLocalStorage<TransactionState | undefined>();
const states = new WeakMap<object, TransactionState>();

export class NotASwitchboardTransactionError extends Error {
  constructor(
    reason = "atCommit needs the `tx` of a Database.$transaction callback (a Database made by createDatabase)",
  ) {
    super(reason);
    this.name = "NotASwitchboardTransactionError";
  }
}

/**
 * Runs `sql` inside the transaction just before its COMMIT (same round trip), then `onCommitted`
 * once the COMMIT succeeded. `sql` is sent over the simple query protocol: it is one complete
 * statement with every value inlined as an escaped literal (pg's escapeLiteral). If it fails,
 * the transaction rolls back and the caller's $transaction rejects with the error.
 */
export function atCommit(tx: object, sql: string, onCommitted?: () => void): void {
  const state = states.get(tx);
  if (!state?.bound) throw new NotASwitchboardTransactionError();
  // A statement added after the COMMIT was sent would silently never run.
  if (state.ended) throw new NotASwitchboardTransactionError("atCommit on a transaction that has already ended");
  state.statements.push(sql);
  if (onCommitted) state.onCommitted.push(onCommitted);
}

/** Wraps a client's $transaction so that interactive transactions get a TransactionState. */
export function withCommitStatements<T extends { $transaction: (...args: never[]) => unknown }>(client: T): T {
  const original = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const wrapped = (arg: unknown, options?: unknown) => {
    // A batch transaction ($transaction([...])) has no callback and no tx: no state, and it
    // must not pick up the state of an interactive transaction it is started from.
    if (typeof arg !== "function") return scope.run(undefined, () => original(arg, options));
    const state: TransactionState = { bound: false, ended: false, statements: [], onCommitted: [] };
    return scope.run(state, () =>
      original((tx: object) => {
        states.set(tx, state);
        return (arg as (tx: object) => unknown)(tx);
      }, options),
    );
  };
  return Object.assign(client, { $transaction: wrapped as unknown as T["$transaction"] });
}

const COMMIT = "COMMIT";
const ROLLBACK = "ROLLBACK";

/**
 * PrismaPg whose interactive transactions send their atCommit statements with the COMMIT, and
 * send their queries one at a time (serial-transaction.ts).
 */
export class CommitStatementsPg extends PrismaPg {
  override async connect(): Promise<DriverAdapter> {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const state = scope.getStore();
      const transaction = await startTransaction(isolationLevel);
      serializeQueries(transaction);
      if (state && !state.bound) {
        state.bound = true;
        bindCommit(transaction, state);
      }
      return transaction;
    };
    return adapter;
  }
}

function bindCommit(transaction: DriverTransaction, state: TransactionState): void {
  const executeRaw = transaction.executeRaw.bind(transaction);
  for (const end of ["commit", "rollback"] as const) {
    const original = transaction[end].bind(transaction);
    transaction[end] = () => {
      state.ended = true;
      return original();
    };
  }
  transaction.executeRaw = async (query: SqlQuery) => {
    if (query.sql === COMMIT || query.sql === ROLLBACK) state.ended = true;
    if (query.sql !== COMMIT || !state.statements.length) return executeRaw(query);
    // No parameters: pg sends it over the simple query protocol, several statements at once.
    // If a statement fails PostgreSQL skips the rest, COMMIT included, and leaves the
    // transaction aborted: roll it back here, before the connection goes back to the pool.
    const script = `${state.statements.join(";\n")};\n${COMMIT}`;
    state.statements = [];
    try {
      await executeRaw({ sql: script, args: [], argTypes: [] });
    } catch (error) {
      await executeRaw({ sql: ROLLBACK, args: [], argTypes: [] }).catch(() => {});
      throw error;
    }
    runCallbacks(state);
    return 0;
  };
}

/** The transaction has committed: a callback that throws must not turn that into a failure. */
function runCallbacks(state: TransactionState): void {
  const callbacks = state.onCommitted;
  state.onCommitted = [];
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      process.emitWarning(error instanceof Error ? error : String(error), "AtCommitCallbackWarning");
    }
  }
}
