// The OpenAI client of this process, or AI_DISABLED said plainly (no key, no compatible server).
import { appError } from "../errors.ts";
import type { AiRuntime } from "./runtime.ts";

export function requireOpenAI(ctx: { ai: AiRuntime | null }) {
  if (!ctx.ai?.openai) {
    throw appError(
      "AI_DISABLED",
      "AI features are off on this server (no OpenAI key or compatible server configured).",
    );
  }
  return ctx.ai.openai;
}
