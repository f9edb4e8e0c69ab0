// One chat turn in an agent session: store the visitor's message, stream the reply from the
// real OpenAI SDK with the session's pinned version, then store the reply with its tokens,
// latency and model. A reply cut short (the visitor left, OpenAI failed mid-way) is stored
// marked incomplete, an empty failed one marked failed: nothing is lost, and the visitor gets a
// plain message.
import type { AgentVersion, Database } from "@switchboard/db";
import type { OpenAIClient } from "@switchboard/integrations";
import type pino from "pino";
import { describeAiFailure } from "../ai/openai-failures.ts";
import { trimHistory } from "../ai/token-budget.ts";
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
