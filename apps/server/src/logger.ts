import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  // Synchronous writes: a line logged before a crash or `process.exit` is never lost, and log
  // lines keep their order relative to the start-up banner printed on stdout.
  return pino(
    {
      level,
      base: { service: "switchboard" },
      redact: ["req.headers.authorization", "*.password", "*.token"],
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
