// Agents that bring their own OpenAI-compatible endpoint bring their own key. This module is
// the agents' side of the outbound policy (packages/integrations/src/outbound-policy.ts): the
// base URL is checked when saved (a field error) and the policy checks it again on every call;
// the key is sealed with the process's SecretBox, bound to the agent, and never leaves as
// output — procedures show only whether one is set and its fingerprint.
import type { AgentVersion, Database } from "@switchboard/db";
import {
  createTenantOpenAIClient,
  type OpenAIClient,
  OutboundPolicy,
  type SecretBox,
  secretFingerprint,
} from "@switchboard/integrations";
import { TRPCError } from "@trpc/server";
import type { AiRuntime } from "../ai/runtime.ts";
import { appError } from "../errors.ts";
import { z } from "../validation-messages.ts";
import type { AgentConfig } from "./config.ts";

/** How long a tenant's endpoint may take to accept a connection (also the failure floor). */
export const TENANT_CONNECT_TIMEOUT_MS = 5_000;
/** How long a tenant's endpoint may take to start answering. */
const TENANT_RESPONSE_TIMEOUT_MS = 30_000;

/** With no policy configured: public https addresses only. */
let defaultPolicy: OutboundPolicy | null = null;
function policyOf(ai: AiRuntime | null): OutboundPolicy {
  if (ai?.outbound) return ai.outbound;
  defaultPolicy ??= new OutboundPolicy({ connectTimeoutMs: TENANT_CONNECT_TIMEOUT_MS });
  return defaultPolicy;
}

const needsSecretsKey = () =>
  appError("AI_DISABLED", "Bring-your-own AI endpoints need SECRETS_KEY on this server.", {
    trpcCode: "PRECONDITION_FAILED",
  });

/** The AES-GCM additional data: a sealed key opens only for the agent it was saved on. */
const keyContext = (agentId: string) => `agent_versions.llm_api_key:${agentId}`;

/**
 * A field error exactly as input validation makes one, so the form shows it under the field.
 * Made by a failing parse: zod 4's ZodError is an Error only when a parse creates it, and tRPC
 * keeps only Error causes.
 */
function fieldError(path: string[], message: string) {
  const failed = z
    .unknown()
    .superRefine((_, ctx) => ctx.addIssue({ code: "custom", message, path }))
    .safeParse(undefined);
  return new TRPCError({ code: "BAD_REQUEST", message, cause: failed.error });
}

/** Whether this version calls the tenant's endpoint (and so never the server's key). */
export function usesTenantEndpoint(version: Pick<AgentVersion, "llmProvider" | "llmBaseUrl">): boolean {
  return version.llmProvider === "openai_compatible" && !!version.llmBaseUrl;
}

/** Save time: the base URL must pass the outbound policy (no DNS here, so saving probes nothing). */
export function checkEndpointForSave(ai: AiRuntime | null, config: AgentConfig): void {
  if (config.llmProvider !== "openai_compatible" || !config.llmBaseUrl) return;
  const check = policyOf(ai).checkUrl(config.llmBaseUrl);
  if (!check.ok) throw fieldError(["config", "llmBaseUrl"], check.message);
}

/**
 * The key columns for a new or edited version: a new key is sealed, `null` clears, left out
 * keeps the previous version's (also when editing a published version starts a new draft).
 * Switching to OpenAI (the server's endpoint) drops the key: it has no use there.
 */
export function providerKeyData(
  ai: AiRuntime | null,
  agentId: string,
  config: AgentConfig,
  previous: Pick<AgentVersion, "llmApiKeyCiphertext" | "llmApiKeyFingerprint"> | null,
): { llmApiKeyCiphertext: string | null; llmApiKeyFingerprint: string | null } {
  if (config.llmProvider !== "openai_compatible" || config.llmApiKey === null) {
    return { llmApiKeyCiphertext: null, llmApiKeyFingerprint: null };
  }
  if (config.llmApiKey === undefined) {
    return {
      llmApiKeyCiphertext: previous?.llmApiKeyCiphertext ?? null,
      llmApiKeyFingerprint: previous?.llmApiKeyFingerprint ?? null,
    };
  }
  const secrets = ai?.secrets;
  if (!secrets) throw needsSecretsKey();
  // The same key pasted again is no change (a fresh seal would differ and make a new version).
  if (previous?.llmApiKeyCiphertext && opens(secrets, previous.llmApiKeyCiphertext, agentId) === config.llmApiKey) {
    return { llmApiKeyCiphertext: previous.llmApiKeyCiphertext, llmApiKeyFingerprint: previous.llmApiKeyFingerprint };
  }
  return {
    llmApiKeyCiphertext: secrets.encrypt(config.llmApiKey, keyContext(agentId)),
    llmApiKeyFingerprint: secretFingerprint(config.llmApiKey),
  };
}

function opens(secrets: SecretBox, ciphertext: string, agentId: string): string | null {
  try {
    return secrets.decrypt(ciphertext, keyContext(agentId));
  } catch {
    return null;
  }
}

/** A version as procedures may show it: whether a key is saved and its fingerprint, never the key. */
export function withoutProviderKey<T extends Pick<AgentVersion, "llmApiKeyCiphertext" | "llmApiKeyFingerprint">>(
  version: T,
): Omit<T, "llmApiKeyCiphertext"> & { hasLlmApiKey: boolean } {
  const { llmApiKeyCiphertext, ...shown } = version;
  return { ...shown, hasLlmApiKey: llmApiKeyCiphertext !== null };
}

/** Before a visitor's message is stored: does this session's version call the tenant's endpoint? */
export async function sessionUsesTenantEndpoint(db: Database, publicSessionId: string): Promise<boolean> {
  const session = await db.agentSession.findUnique({
    where: { publicId: publicSessionId },
    select: { agentVersion: { select: { llmProvider: true, llmBaseUrl: true } } },
  });
  return session ? usesTenantEndpoint(session.agentVersion) : false;
}

/**
 * The client for one reply: the tenant's endpoint with the tenant's key (through the policy),
 * or the server's client for the server's endpoint. Never the server's client re-pointed.
 */
export function tenantClientFor(
  ai: AiRuntime | null,
  version: Pick<AgentVersion, "agentId" | "llmBaseUrl" | "llmApiKeyCiphertext">,
): OpenAIClient {
  let apiKey: string | null = null;
  if (version.llmApiKeyCiphertext) {
    const secrets = ai?.secrets;
    if (!secrets) throw needsSecretsKey();
    try {
      apiKey = secrets.decrypt(version.llmApiKeyCiphertext, keyContext(version.agentId));
    } catch {
      throw appError(
        "AI_DISABLED",
        "This agent's saved AI provider key can't be read with this server's SECRETS_KEY. Save the key again.",
        { trpcCode: "PRECONDITION_FAILED" },
      );
    }
  }
  return createTenantOpenAIClient({
    apiKey,
    baseURL: version.llmBaseUrl!,
    policy: policyOf(ai),
    timeoutMs: ai?.tenantTimeoutMs ?? TENANT_RESPONSE_TIMEOUT_MS,
  });
}
