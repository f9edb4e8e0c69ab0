// What the bus logs with: the process's logger (apps/server/src/logger.ts, the one place with
// the redaction rules) or nothing. The bus never makes a logger of its own; it only warns and informs.
import type { Logger } from "pino";

export type BusLog = Pick<Logger, "warn" | "info">;

/** For a bus given no logger: logs nothing. */
export const quiet: BusLog = { warn: () => {}, info: () => {} };
