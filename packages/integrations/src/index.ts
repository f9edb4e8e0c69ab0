export {
  createOpenAIClient,
  createTenantOpenAIClient,
  OpenAI,
  type OpenAIClient,
  type OpenAIConfig,
  type TenantOpenAIConfig,
  zodResponseFormat,
} from "./openai.ts";
export {
  isPublicAddress,
  OutboundPolicy,
  type OutboundPolicyOptions,
  OutboundRefusedError,
  type OutboundUrlCheck,
  parseAllowedHosts,
  type ResolvedAddress,
} from "./outbound-policy.ts";
export {
  createResearchClient,
  type ResearchClient,
  type ResearchConfig,
  ResearchServiceError,
  type ResearchTaskRequest,
} from "./research.ts";
export {
  loadSecretBox,
  SECRETS_KEY_FILE,
  SecretBox,
  SecretBoxError,
  type SecretBoxSource,
  secretFingerprint,
} from "./secret-box.ts";
export {
  createStripeClient,
  type StripeClient,
  type StripeConfig,
  type StripeEvent,
  StripeSignatureError,
  verifyStripeWebhook,
} from "./stripe.ts";
