// What the AI products need from the process: the OpenAI client (the real SDK; a local fake in
// tests) or null when AI is off, which the procedures say plainly.
import type { OpenAIClient } from "@switchboard/integrations";

export interface AiRuntime {
  openai: OpenAIClient | null;
  /** Agent sessions idle this long are expired (and refuse new messages). */
  sessionIdleMs: number;
}
