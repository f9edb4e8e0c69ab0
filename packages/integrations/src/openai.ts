// The real OpenAI SDK, configured once. With no OPENAI_API_KEY (and no explicit local
// OpenAI-compatible base URL) the AI features are off and say so; tests point OPENAI_BASE_URL
// at a local fake that speaks OpenAI's wire format.
import OpenAI from "openai";

export interface OpenAIConfig {
  apiKey?: string | undefined;
  baseURL?: string | undefined;
}

export type OpenAIClient = OpenAI;

export function createOpenAIClient(config: OpenAIConfig): OpenAI | null {
  if (!config.apiKey && !config.baseURL) return null;
  // A local OpenAI-compatible server may need no key; the SDK still requires a value.
  return new OpenAI({
    apiKey: config.apiKey ?? "not-needed-for-local-server",
    baseURL: config.baseURL,
    maxRetries: 2,
    timeout: 60_000,
  });
}

/** Structured outputs: a strict JSON schema `response_format` made from a zod (v3 or v4) schema. */
export { zodResponseFormat } from "openai/helpers/zod";
/** The SDK's class, for its error types (OpenAI.RateLimitError, …) in code that maps failures. */
export { OpenAI };
