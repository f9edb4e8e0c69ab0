export { createOpenAIClient, type OpenAIClient, type OpenAIConfig } from "./openai.ts";
export {
  createStripeClient,
  type StripeClient,
  type StripeConfig,
  type StripeEvent,
  StripeSignatureError,
  verifyStripeWebhook,
} from "./stripe.ts";
