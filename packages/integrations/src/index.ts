export { createOpenAIClient, OpenAI, type OpenAIClient, type OpenAIConfig, zodResponseFormat } from "./openai.ts";
export {
  createResearchClient,
  type ResearchClient,
  type ResearchConfig,
  ResearchServiceError,
  type ResearchTaskRequest,
} from "./research.ts";
export {
  createStripeClient,
  type StripeClient,
  type StripeConfig,
  type StripeEvent,
  StripeSignatureError,
  verifyStripeWebhook,
} from "./stripe.ts";
