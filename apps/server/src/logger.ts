import pino from "pino";

export type Logger = pino.Logger;

/**
 * Field names whose value is a secret wherever it sits in a log object: session and
 * invitation tokens, passwords, webhook and signing secrets, our API keys and a tenant's own
 * AI provider key.
 */
const secretFields = ["token", "password", "secret", "apiKey", "llmApiKey", "connectionParams"];

/**
 * pino's redaction (@pinojs/redact) has only fixed-depth wildcards, no "any depth": so each
 * secret field is listed at the top level and one and two levels down, which covers how our
 * call sites log (`{ err, sessionId }`, `{ input: { token } }`, `{ payload: { account: { … } } }`).
 */
const secretFieldPaths = secretFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/** Credentials in HTTP headers, on a logged request or response and on anything that carries headers. */
const headerPaths = [".authorization", ".cookie", '["set-cookie"]', '["x-api-key"]'].flatMap((header) =>
  ["req.headers", "res.headers", "headers", "*.headers"].map((holder) => `${holder}${header}`),
);

const redactedPaths: readonly string[] = [...headerPaths, ...secretFieldPaths];

export function createLogger(
  level: string,
  // Synchronous writes: a line logged before a crash or `process.exit` is never lost, and log
  // lines keep their order relative to the start-up banner printed on stdout.
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  return pino({ level, base: { service: "switchboard" }, redact: [...redactedPaths] }, destination);
}
