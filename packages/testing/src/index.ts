export { cloneDatabase, databaseUrlFor, dropDatabase } from "./database-server.ts";
export { type FakeCheckoutSession, type StripeFake, startStripeFake } from "./stripe-fake.ts";
export { signStripeWebhook } from "./stripe-signature.ts";
export { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "./test-database.ts";
