// The real OpenAI SDK, configured once. With no OPENAI_API_KEY (and no explicit local
// OpenAI-compatible base URL) the AI features are off and say so; tests point OPENAI_BASE_URL
// at a local fake that speaks OpenAI's wire format.
import OpenAI from "openai";
import type { OutboundPolicy } from "./outbound-policy.ts";

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

export interface TenantOpenAIConfig {
  /** The tenant's own key (decrypted just for this call), or null for a listed local server that needs none. */
  apiKey: string | null;
  /** The tenant's base URL; the policy checks it again on every request. */
  baseURL: string;
  policy: OutboundPolicy;
  timeoutMs?: number;
}

/**
 * A client for a tenant's own OpenAI-compatible endpoint. Built fresh, never derived from the
 * server's client (withOptions would carry the server's key along), and every option the SDK
 * would otherwise read from the environment (OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID)
 * is set explicitly, so nothing of the server's reaches the tenant's address. No retries: a
 * retry schedule that differs by failure would tell a prober what kind of failure it was.
 */
export function createTenantOpenAIClient(config: TenantOpenAIConfig): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey ?? "no-key-configured",
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: config.baseURL,
    fetch: async (input, init) => {
      const response = await config.policy.fetch(input, init);
      // An HTTP service that is not a model server (a web page, an admin console) must fail
      // like any other wrong address, not become an empty "reply".
      const type = response.headers.get("content-type") ?? "";
      if (response.ok && !/text\/event-stream|application\/json/.test(type)) {
        await response.body?.cancel().catch(() => {});
        throw new Error(`not an OpenAI-compatible answer (content-type ${type || "none"})`);
      }
      return response;
    },
    maxRetries: 0,
    timeout: config.timeoutMs ?? 60_000,
  });
}
