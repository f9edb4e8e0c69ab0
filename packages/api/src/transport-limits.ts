// Limits the server enforces before a call reaches a procedure, shared with the dashboard's
// client (imported by subpath, so the browser bundle gets these numbers and nothing else).

/** Most calls one HTTP batch may carry (tRPC's maxBatchSize; the dashboard's httpBatchLink maxItems). */
export const MAX_BATCH_SIZE = 20;

/**
 * Procedures that must travel alone: a batch of a thousand sign-ins in one request would be a
 * thousand password guesses for the price of one. (Each attempt is also throttled on its own.)
 */
export const UNBATCHED_PROCEDURES: ReadonlySet<string> = new Set(["auth.signIn", "auth.signUp"]);

/** Largest HTTP request body, and largest WebSocket message, the server reads (bytes). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
