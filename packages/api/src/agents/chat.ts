// One chat turn in an agent session, once the visitor's message is accepted and stored
// (sessions.ts, which reads the history in the same statement): stream the reply from the real
// OpenAI SDK with the session's pinned version (the server's endpoint, or the organization's own
// through the outbound policy — llm-endpoint.ts), then store the reply with its tokens, latency
// and model. A reply cut short (the visitor left, OpenAI failed mid-way) is stored
// marked incomplete, an empty failed one marked failed: nothing is lost, and the visitor gets a
// plain message.
import type { Database } from "@switchboard/db";
import type pino from "pino";
import { describeProviderFailure } from "../ai/openai-failures.ts";
import { requireOpenAI } from "../ai/require-openai.ts";
import type { AiRuntime } from "../ai/runtime.ts";
import { type ChatOutcome, type ChatStreamMessage, doneMessage, streamChatCompletion } from "../ai/stream-chat.ts";
import { trimHistory } from "../ai/token-budget.ts";
import type { AppEventBus } from "../live-events.ts";
import { publishSessionChange } from "./agent-events.ts";
import { TENANT_CONNECT_TIMEOUT_MS, tenantClientFor, usesTenantEndpoint } from "./llm-endpoint.ts";
import type { AcceptedMessage } from "./sessions.ts";

export type { ChatStreamMessage };

interface TurnDeps {
  db: Database;
  events: AppEventBus;
  ai: AiRuntime;
  log: pino.Logger;
}

export async function* streamReply(
  { db, events, ai, log }: TurnDeps,
  { session, history }: AcceptedMessage,
  signal: AbortSignal | undefined,
): AsyncGenerator<ChatStreamMessage> {
  const { version } = session;
  // A tenant's endpoint gets its own client with the tenant's key, through the outbound policy;
  // the server's client (and key) only ever talks to the server's configured endpoint.
  const tenant = usesTenantEndpoint(version);
  const client = tenant ? tenantClientFor(ai, version) : requireOpenAI({ ai });
  const failureOptions = tenant
    ? {
        describeFailure: describeProviderFailure,
        failureFloorMs: ai.tenantFailureFloorMs ?? TENANT_CONNECT_TIMEOUT_MS,
        requireContent: true,
      }
    : {};
  const result = yield* streamChatCompletion(
    client,
    {
      model: version.model,
      temperature: version.temperature,
      maxTokens: version.maxTokens,
      messages: [{ role: "system", content: version.systemPrompt }, ...trimHistory(history, version)],
    },
    { signal, log, logContext: { sessionId: session.id }, ...failureOptions },
    (outcome) => saveReply(db, events, session.id, outcome),
  );
  if (!result) return;
  yield doneMessage(result.saved.id, result.saved.status, result.outcome);
}

/**
 * One statement: the reply and the session's counters are stored together or not at all, with
 * the session's live event in the same transaction (one event per turn: the visitor's message is
 * counted in it, so its acceptance before the first token waits for nothing more).
 */
async function saveReply(db: Database, events: AppEventBus, sessionId: string, outcome: ChatOutcome) {
  const { usage } = outcome;
  const errorCode = outcome.failure?.code ?? (outcome.left ? "visitor_left" : null);
  return db.$transaction(async (tx) => {
    const [message] = await tx.$queryRaw<
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
      VALUES (${sessionId}::uuid, 'assistant', ${outcome.content}, ${outcome.status}::"AgentMessageStatus",
              ${usage?.prompt_tokens ?? null}::int, ${usage?.completion_tokens ?? null}::int, ${usage?.total_tokens ?? null}::int,
              ${outcome.latencyMs}::int, ${outcome.modelUsed}, ${errorCode})
      RETURNING id::text, status::text, prompt_tokens, completion_tokens, tokens_used
    ), touched AS (
      UPDATE agent_sessions SET message_count = message_count + 1, last_activity_at = now()
       WHERE id = ${sessionId}::uuid RETURNING id
    )
    SELECT stored.* FROM stored, (SELECT count(*) FROM touched) t`;
    if (!message) throw new Error("storing the agent reply returned no row");
    await publishSessionChange(tx, events, sessionId, "updated");
    return message;
  });
}
