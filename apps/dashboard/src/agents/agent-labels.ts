// How the agents product's values and form fields read, in one place for every page.
import type { RouterInputs, RouterOutputs } from "@switchboard/api";

export { formatTime } from "../pages/format-time.ts";

export type AgentConfigInput = RouterInputs["agents"]["create"]["config"];
export type AgentDetail = RouterOutputs["agents"]["get"];
export type AgentVersionStatus = AgentDetail["versions"][number]["status"];
export type LlmProvider = NonNullable<AgentConfigInput["llmProvider"]>;

export const providerLabels: Record<LlmProvider, string> = {
  openai: "OpenAI",
  openai_compatible: "OpenAI-compatible server",
};

export const versionStatusLabels: Record<AgentVersionStatus, string> = {
  draft: "Draft",
  published: "Published",
  archived: "Archived",
};

/** What the editor's fields hold, as text, before it becomes an agent configuration. */
export interface AgentFormValues {
  name: string;
  description: string;
  llmProvider: LlmProvider;
  llmBaseUrl: string;
  /** A new key for the OpenAI-compatible server; empty keeps the saved one. Never prefilled. */
  llmApiKey: string;
  /** Remove the saved key on save. */
  clearLlmApiKey: boolean;
  /** Shown, not edited: the saved key's fingerprint, or null when none is saved. */
  savedKeyFingerprint: string | null;
  model: string;
  systemPrompt: string;
  temperature: string;
  maxTokens: string;
  allowedDomains: string;
  rateLimitPerSession: string;
  voiceProvider: string;
  voiceId: string;
}

export const newAgentValues: AgentFormValues = {
  name: "",
  description: "",
  llmProvider: "openai",
  llmBaseUrl: "",
  llmApiKey: "",
  clearLlmApiKey: false,
  savedKeyFingerprint: null,
  model: "gpt-4o-mini",
  systemPrompt: "",
  temperature: "0.7",
  maxTokens: "512",
  allowedDomains: "",
  rateLimitPerSession: "30",
  voiceProvider: "",
  voiceId: "",
};

export function valuesOf(agent: AgentDetail): AgentFormValues {
  const { latest } = agent;
  return {
    name: agent.name,
    description: agent.description,
    llmProvider: latest.llmProvider,
    llmBaseUrl: latest.llmBaseUrl ?? "",
    llmApiKey: "",
    clearLlmApiKey: false,
    savedKeyFingerprint: latest.hasLlmApiKey ? (latest.llmApiKeyFingerprint ?? "") : null,
    model: latest.model,
    systemPrompt: latest.systemPrompt,
    temperature: String(latest.temperature),
    maxTokens: String(latest.maxTokens),
    allowedDomains: latest.allowedDomains.join("\n"),
    rateLimitPerSession: String(latest.rateLimitPerSession),
    voiceProvider: latest.voiceProvider ?? "",
    voiceId: latest.voiceId ?? "",
  };
}

/** Empty number fields become NaN, which the server refuses with its own field message. */
function numberOf(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Domains one per line or separated by commas. */
function splitDomains(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((domain) => domain.trim())
    .filter(Boolean);
}

/**
 * The configuration the API takes. Voice settings and knowledge bases are not edited here, so
 * the latest version's are kept as they are.
 */
export function configOf(values: AgentFormValues, latest?: AgentDetail["latest"]): AgentConfigInput {
  const optional = (text: string) => (text.trim() === "" ? null : text.trim());
  return {
    name: values.name,
    description: values.description,
    llmProvider: values.llmProvider,
    llmBaseUrl: values.llmProvider === "openai_compatible" ? optional(values.llmBaseUrl) : null,
    // Left out keeps the saved key, null removes it, text replaces it.
    ...(values.llmProvider === "openai_compatible" && values.clearLlmApiKey
      ? { llmApiKey: null }
      : values.llmProvider === "openai_compatible" && values.llmApiKey.trim()
        ? { llmApiKey: values.llmApiKey.trim() }
        : {}),
    model: values.model,
    systemPrompt: values.systemPrompt,
    temperature: numberOf(values.temperature),
    maxTokens: numberOf(values.maxTokens),
    allowedDomains: splitDomains(values.allowedDomains),
    rateLimitPerSession: numberOf(values.rateLimitPerSession),
    voiceProvider: optional(values.voiceProvider),
    voiceId: optional(values.voiceId),
    ...(latest
      ? {
          voiceSettings: latest.voiceSettings as AgentConfigInput["voiceSettings"],
          speechOptions: latest.speechOptions as AgentConfigInput["speechOptions"],
          knowledgeBaseIds: latest.knowledgeBaseIds,
        }
      : {}),
  };
}

/** The server's field errors for one config field, including its items ("config.allowedDomains.2"). */
export function errorsFor(fieldErrors: Record<string, string[]>, field: string): string[] | undefined {
  const path = `config.${field}`;
  const messages = Object.entries(fieldErrors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .flatMap(([, list]) => list);
  return messages.length > 0 ? [...new Set(messages)] : undefined;
}
