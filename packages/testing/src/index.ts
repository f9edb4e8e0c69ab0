export { cloneDatabase, databaseUrlFor, dropDatabase } from "./database-server.ts";
export { signStripeWebhook } from "./stripe-signature.ts";
export { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "./test-database.ts";
