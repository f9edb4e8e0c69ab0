// One streamed chat completion with the real OpenAI SDK, shared by every product that talks to
// a model (agents, coaching). It yields the text as it arrives and hands the outcome to the
// caller's `save` exactly once — also when the listener leaves mid-stream (the generator is
// returned early), so a partial reply is never lost. A failed call is saved first, then raised
// as a plain AI_UNAVAILABLE message; the technical detail goes to the log.
import type { OpenAIClient } from "@switchboard/integrations";
import type pino from "pino";
import { appError } from "../errors.ts";
import { multilineText } from "../input-types.ts";
import { describeAiFailure } from "./openai-failures.ts";

/** What a person may type into any chat. */
export const chatMessageContent = multilineText({
  max: 4000,
  min: 1,
  tooShort: "Type a message first.",
  tooLong: "Keep messages under 4,000 characters.",
});

/** What a chat subscription yields: the text as it arrives, then the stored reply. */
export type ChatStreamMessage<Extra = Record<never, never>> =
  | { type: "chunk"; text: string }
  | ({
      type: "done";
      messageId: string;
      content: string;
      status: "complete" | "incomplete";
      promptTokens: number | null;
      completionTokens: number | null;
      tokensUsed: number | null;
      latencyMs: number;
      firstTokenMs: number | null;
      modelUsed: string;
    } & Extra);

/** The final message for a stored reply. */
export function doneMessage(messageId: string, status: string, outcome: ChatOutcome) {
  return {
    type: "done" as const,
    messageId,
    content: outcome.content,
    status: status === "complete" ? ("complete" as const) : ("incomplete" as const),
    promptTokens: outcome.usage?.prompt_tokens ?? null,
    completionTokens: outcome.usage?.completion_tokens ?? null,
    tokensUsed: outcome.usage?.total_tokens ?? null,
    latencyMs: outcome.latencyMs,
    firstTokenMs: outcome.firstTokenMs,
    modelUsed: outcome.modelUsed,
  };
}

export interface ChatRequest {
  model: string;
  temperature: number;
  maxTokens: number;
  messages: { role: "system" | "user" | "assistant"; content: string }[];
}

export interface ChatOutcome {
  content: string;
  status: "complete" | "incomplete" | "failed";
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  modelUsed: string;
  latencyMs: number;
  firstTokenMs: number | null;
  /** Why it failed, in plain words (null when it did not, or the listener left). */
  failure: { code: string; message: string } | null;
  /** The listener went away before the end. */
  left: boolean;
}

export async function* streamChatCompletion<Saved>(
  openai: OpenAIClient,
  request: ChatRequest,
  options: {
    signal: AbortSignal | undefined;
    log: pino.Logger;
    logContext: Record<string, unknown>;
    /** How a failure is worded (default: OpenAI's failures told apart, describeAiFailure). */
    describeFailure?: (error: unknown) => { code: string; message: string };
    /** A failure is reported no sooner than this after the call started (hides how it failed). */
    failureFloorMs?: number;
    /** A stream that ends with no text at all is a failure (a server that is not OpenAI-compatible). */
    requireContent?: boolean;
  },
  save: (outcome: ChatOutcome) => Promise<Saved>,
): AsyncGenerator<{ type: "chunk"; text: string }, { saved: Saved; outcome: ChatOutcome } | null> {
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let content = "";
  let usage: ChatOutcome["usage"] = null;
  let modelUsed = request.model;
  let error: unknown = null;
  let saved = false;
  const finish = async (left: boolean) => {
    saved = true;
    const failure = error && !left ? (options.describeFailure ?? describeAiFailure)(error) : null;
    if (failure) {
      options.log.warn({ err: error, ...options.logContext, code: failure.code }, "AI reply failed");
      const wait = (options.failureFloorMs ?? 0) - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const outcome: ChatOutcome = {
      content,
      status: error || left ? (content ? "incomplete" : "failed") : "complete",
      usage,
      modelUsed,
      latencyMs: Math.round(performance.now() - started),
      firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs),
      failure,
      left,
    };
    return { saved: await save(outcome), outcome };
  };
  try {
    try {
      const stream = await openai.chat.completions.create(
        {
          model: request.model,
          temperature: request.temperature,
          max_tokens: request.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
          messages: request.messages,
        },
        { signal: options.signal },
      );
      for await (const chunk of stream) {
        if (chunk.model) modelUsed = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        const text = chunk.choices[0]?.delta?.content;
        if (!text) continue;
        firstTokenMs ??= performance.now() - started;
        content += text;
        yield { type: "chunk", text };
      }
      if (options.requireContent && !content && !options.signal?.aborted) {
        throw new Error("the endpoint's stream ended without any text");
      }
    } catch (caught) {
      error = caught;
    }
    const result = await finish(options.signal?.aborted ?? false);
    if (result.outcome.failure) throw appError("AI_UNAVAILABLE", result.outcome.failure.message);
    return result.outcome.left ? null : result;
  } finally {
    if (!saved) await finish(true);
  }
}
