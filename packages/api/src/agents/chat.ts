// One chat turn in an agent session: store the visitor's message, stream the reply from the
// real OpenAI SDK with the session's pinned version, then store the reply with its tokens,
// latency and model. A reply cut short (the visitor left, OpenAI failed mid-way) is stored
// marked incomplete, an empty failed one marked failed: nothing is lost, and the visitor gets a
// plain message.
import type { AgentVersion, Database } from "@switchboard/db";
import { OpenAI, type OpenAIClient } from "@switchboard/integrations";

import type pino from "pino";
import { appError } from "../errors.ts";

export type ChatStreamMessage =
  | { type: "chunk"; text: string }
  | {
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
    };

/** Rough token estimate (4 characters a token) for trimming history to the model's budget. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4) + 4;

/** How much history a model may be sent, in tokens (a cost ceiling, below every context window). */
const HISTORY_BUDGET_TOKENS = 6000;

/** The newest messages that fit the budget left after the prompt and the reply, oldest first. */
export function trimHistory<T extends { content: string }>(
  messages: T[],
  version: Pick<AgentVersion, "systemPrompt" | "maxTokens">,
  budget = HISTORY_BUDGET_TOKENS,
): T[] {
  let left = budget - estimateTokens(version.systemPrompt) - version.maxTokens;
  const kept: T[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const cost = estimateTokens(messages[i]!.content);
    if (cost > left) break;
    left -= cost;
    kept.unshift(messages[i]!);
  }
  return kept;
}

/** OpenAI's failures in words a website visitor understands. */
export function describeAiFailure(error: unknown): { code: string; message: string } {
  if (error instanceof OpenAI.RateLimitError) {
    return { code: "ai_rate_limited", message: "The assistant is very busy right now. Please try again in a moment." };
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { code: "ai_timeout", message: "The assistant took too long to answer. Please try again." };
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return {
      code: "ai_not_authorized",
      message: "The assistant isn't set up correctly right now. The site owner has been told.",
    };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return { code: "ai_unreachable", message: "We couldn't reach the assistant. Please try again." };
  }
  if (error instanceof OpenAI.NotFoundError || error instanceof OpenAI.BadRequestError) {
    return {
      code: "ai_rejected",
      message: "The assistant couldn't answer that with its current settings. The site owner has been told.",
    };
  }
  if (error instanceof OpenAI.InternalServerError) {
    return { code: "ai_unavailable", message: "The assistant is having trouble right now. Please try again shortly." };
  }
  return { code: "ai_failed", message: "The assistant couldn't answer just now. Please try again." };
}

interface TurnDeps {
  db: Database;
  openai: OpenAIClient;
  log: pino.Logger;
}

export async function* streamReply(
  { db, openai, log }: TurnDeps,
  session: { id: string; version: AgentVersion },
  signal: AbortSignal | undefined,
): AsyncGenerator<ChatStreamMessage> {
  const { version } = session;
  const history = await db.agentMessage.findMany({
    where: { sessionId: session.id, status: { in: ["complete", "incomplete"] }, role: { in: ["user", "assistant"] } },
    orderBy: { createdAt: "asc" },
    select: { role: true, content: true },
  });
  const client =
    version.llmProvider === "openai_compatible" && version.llmBaseUrl
      ? openai.withOptions({ baseURL: version.llmBaseUrl })
      : openai;
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let content = "";
  let usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null = null;
  let modelUsed = version.model;
  let failure: unknown = null;
  let saved = false;
  const save = async (left: boolean) => {
    saved = true;
    const latencyMs = Math.round(performance.now() - started);
    const status = failure || left ? (content ? "incomplete" : "failed") : "complete";
    const described = failure && !left ? describeAiFailure(failure) : null;
    if (described) log.warn({ err: failure, sessionId: session.id, code: described.code }, "agent reply failed");
    // One statement: the reply and the session's counters are stored together or not at all.
    const [message] = await db.$queryRaw<
      {
        id: string;
        status: "complete" | "incomplete" | "failed";
        prompt_tokens: number | null;
        completion_tokens: number | null;
        tokens_used: number | null;
      }[]
    >`
      WITH stored AS (
        INSERT INTO agent_messages
          (session_id, role, content, status, prompt_tokens, completion_tokens, tokens_used, latency_ms, model_used, error_code)
        VALUES (${session.id}::uuid, 'assistant', ${content}, ${status}::"AgentMessageStatus",
                ${usage?.prompt_tokens ?? null}::int, ${usage?.completion_tokens ?? null}::int, ${usage?.total_tokens ?? null}::int,
                ${latencyMs}::int, ${modelUsed}, ${described?.code ?? (left ? "visitor_left" : null)})
        RETURNING id::text, status::text, prompt_tokens, completion_tokens, tokens_used
      ), touched AS (
        UPDATE agent_sessions SET message_count = message_count + 1, last_activity_at = now()
         WHERE id = ${session.id}::uuid RETURNING id
      )
      SELECT stored.* FROM stored, (SELECT count(*) FROM touched) t`;
    if (!message) throw new Error("storing the agent reply returned no row");
    return { message, described, latencyMs };
  };
  try {
    try {
      const stream = await client.chat.completions.create(
        {
          model: version.model,
          temperature: version.temperature,
          max_tokens: version.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
          messages: [
            { role: "system", content: version.systemPrompt },
            ...trimHistory(history, version).map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
          ],
        },
        { signal },
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
    } catch (error) {
      failure = error;
    }
    const left = signal?.aborted ?? false;
    const { message, described, latencyMs } = await save(left);
    if (described) throw appError("AI_UNAVAILABLE", described.message);
    if (left) return;
    yield {
      type: "done",
      messageId: message.id,
      content,
      status: message.status === "complete" ? "complete" : "incomplete",
      promptTokens: message.prompt_tokens,
      completionTokens: message.completion_tokens,
      tokensUsed: message.tokens_used,
      latencyMs,
      firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs),
      modelUsed,
    };
  } finally {
    // The visitor left mid-stream (the generator was returned early): keep the partial reply.
    if (!saved) await save(true);
  }
}
