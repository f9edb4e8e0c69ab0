// What the AI products need from the process: the OpenAI client (the real SDK; a local fake in
// tests) or null when AI is off, which the procedures say plainly; and for agents that bring
// their own OpenAI-compatible endpoint, the outbound URL policy their calls go through and the
// SecretBox their keys are sealed with.
import type { OpenAIClient, OutboundPolicy, SecretBox } from "@switchboard/integrations";

export interface AiRuntime {
  /** The server's own client: its key goes only to OPENAI_BASE_URL (or OpenAI's default). */
  openai: OpenAIClient | null;
  /** Agent sessions idle this long are expired (and refuse new messages). */
  sessionIdleMs: number;
  /**
   * The policy for tenants' endpoints (OUTBOUND_ALLOWED_HOSTS). Left out: a policy with an
   * empty allowlist (public https only).
   */
  outbound?: OutboundPolicy | null;
  /** Seals tenants' provider keys (SECRETS_KEY). Null: saving a key says the server needs SECRETS_KEY. */
  secrets?: SecretBox | null;
  /**
   * A failed call to a tenant's endpoint answers no sooner than this after it started, so a
   * refused port and one that times out on connect look the same from outside (default 5 s,
   * the tenant connect timeout).
   */
  tenantFailureFloorMs?: number;
  /** How long a tenant's endpoint may take to start answering (default 30 s). */
  tenantTimeoutMs?: number;
}
