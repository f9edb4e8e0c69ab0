// An agent's configuration as editors submit it. Stored per version (agent_versions); a
// published version is frozen and sessions stay pinned to the version they started on.
import { multilineText, settingsRecord, storableText, text } from "../input-types.ts";
import { z } from "../validation-messages.ts";

/** A website domain as browsers send it in Origin: host names only, optional leading "*." for subdomains. */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$/, {
    error: "Enter a domain like example.com or *.example.com (no http:// and no path).",
  });

export const agentConfigInput = z.object({
  name: text({ max: 80, min: 1, tooShort: "Give the agent a name." }),
  description: multilineText({ max: 500 }).default(""),
  llmProvider: z.enum(["openai", "openai_compatible"]).default("openai"),
  llmBaseUrl: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .check(storableText())
    .nullish(),
  /**
   * Write-only: the organization's own key for its OpenAI-compatible endpoint. Left out keeps
   * the saved one, null clears it, text replaces it. Stored sealed, never returned.
   */
  llmApiKey: z
    .string()
    .trim()
    .min(1, { error: "Paste the key, or leave the field empty to keep the saved one." })
    .max(500, { error: "That key is too long." })
    .regex(/^[\x21-\x7e]+$/, { error: "A key has no spaces or special characters." })
    .nullish(),
  model: text({ max: 100, min: 1, tooShort: "Choose a model." }),
  systemPrompt: multilineText({
    max: 8000,
    min: 1,
    tooShort: "Write the agent's instructions.",
    tooLong: "Keep the instructions under 8,000 characters.",
  }),
  temperature: z
    .number()
    .min(0, { error: "Temperature goes from 0 to 2." })
    .max(2, { error: "Temperature goes from 0 to 2." }),
  maxTokens: z.number().int().min(16).max(4096),
  voiceProvider: text({ max: 50 }).nullish(),
  voiceId: text({ max: 100 }).nullish(),
  voiceSettings: settingsRecord({ maxKeys: 50, keyMax: 50, valueMax: 100 }).default({}),
  speechOptions: settingsRecord({ maxKeys: 50, keyMax: 50, valueMax: 100 }).default({}),
  allowedDomains: z.array(domain).max(50).default([]),
  rateLimitPerSession: z.number().int().min(1).max(600).default(30),
  knowledgeBaseIds: z
    .array(text({ max: 100, min: 1 }))
    .max(20)
    .default([]),
});

export type AgentConfig = z.output<typeof agentConfigInput>;

/** Whether a host name is allowed by the list (exact, or a subdomain of a "*." entry). */
export function domainAllowed(allowed: string[], host: string): boolean {
  const name = host.toLowerCase();
  return allowed.some((entry) =>
    entry.startsWith("*.") ? name === entry.slice(2) || name.endsWith(entry.slice(1)) : name === entry,
  );
}

/** The version fields an agent config maps to. */
export function versionData(config: AgentConfig) {
  return {
    llmProvider: config.llmProvider,
    llmBaseUrl: config.llmProvider === "openai_compatible" ? (config.llmBaseUrl ?? null) : null,
    model: config.model,
    systemPrompt: config.systemPrompt,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    voiceProvider: config.voiceProvider ?? null,
    voiceId: config.voiceId ?? null,
    voiceSettings: config.voiceSettings,
    speechOptions: config.speechOptions,
    allowedDomains: config.allowedDomains,
    rateLimitPerSession: config.rateLimitPerSession,
    knowledgeBaseIds: config.knowledgeBaseIds,
  };
}
