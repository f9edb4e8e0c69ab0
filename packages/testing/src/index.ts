export {
  countFakeTokens,
  type FakeChatMessage,
  type FakeChatRequest,
  type FakeEmbeddingsRequest,
  fakeEcho,
  fakeEmbedding,
  fakeMessageText,
  type OpenAIFake,
  type OpenAIFakeError,
  type OpenAIFakeOptions,
  type OpenAIFakeReply,
  type OpenAIFakeReplyScript,
  type OpenAIFakeRequest,
  startOpenAIFake,
} from "./openai-fake.ts";
export { type FakeCheckoutSession, type StripeFake, startStripeFake } from "./stripe-fake.ts";
export { signStripeWebhook } from "./stripe-signature.ts";
export { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "./test-database.ts";
