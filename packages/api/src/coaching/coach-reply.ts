// One coaching turn: store the person's message (owner taken from the conversation), find what
// they said before that is relevant, stream the coach's reply from the real OpenAI SDK with the
// profile, business, active goals, recent messages and memories as context, then store the
// reply. A reply cut short is kept as incomplete, an empty failed one as failed. Embeddings are
// stored in the background; the reply's action item extraction is queued in its transaction;
// every AI call is recorded as usage.
import type { Database } from "@switchboard/db";
import type { OpenAIClient } from "@switchboard/integrations";
import type pino from "pino";
import { type ChatOutcome, type ChatStreamMessage, doneMessage, streamChatCompletion } from "../ai/stream-chat.ts";
import { estimateTokens, trimHistory } from "../ai/token-budget.ts";
import { appError } from "../errors.ts";
import type { JobQueue } from "../job-queue.ts";
import type { AppEventBus } from "../live-events.ts";
import { coachSystemMessages, type Memory } from "./coach-context.ts";
import { publishConversation } from "./conversations.ts";
import { enqueueActionItemExtraction } from "./jobs.ts";
import { memoryIndexFor } from "./memory.ts";
import { recordUsage } from "./usage.ts";

const COACH_MODEL = "gpt-4o-mini";
const COACH_TEMPERATURE = 0.7;
const COACH_MAX_TOKENS = 800;
const RECENT_MESSAGES = 40;
const MEMORIES_K = 5;
/** Tokens kept free for the memories when trimming the history. */
const MEMORY_BUDGET_TOKENS = 800;

export type CoachStreamMessage = ChatStreamMessage<{ memoriesUsed: number }>;

interface TurnDeps {
  db: Database;
  events: AppEventBus;
  openai: OpenAIClient;
  log: pino.Logger;
  /** Where the reply's action item extraction is queued (null: no job worker, none is queued). */
  jobs?: JobQueue | null;
}

const conversationNotFound = () => appError("NOT_FOUND", "We couldn't find that conversation.");

export async function* coachTurn(
  { db, events, openai, log, jobs }: TurnDeps,
  userId: string,
  input: { conversationId: string; content: string },
  signal: AbortSignal | undefined,
): AsyncGenerator<CoachStreamMessage> {
  const memory = memoryIndexFor(db);
  const conversation = await db.conversation.findFirst({ where: { id: input.conversationId, userId } });
  if (!conversation) throw conversationNotFound();
  const asked = await db.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: { conversationId: conversation.id, userId: conversation.userId, role: "user", content: input.content },
    });
    await tx.conversation.update({ where: { id: conversation.id }, data: { updatedAt: message.createdAt } });
    await publishConversation(tx, events, conversation.id, "updated");
    return message;
  });

  // The query's embedding is needed now (to retrieve memories) and is also the new message's
  // own memory, stored in the background. Without it the coach answers without memories.
  let queryVector: Float32Array | null = null;
  try {
    [queryVector] = (await memory.embed(openai, log, userId, [asked.content], "query")) as [Float32Array];
    memory.remember(openai, log, asked, queryVector);
  } catch (error) {
    log.warn({ err: error, messageId: asked.id }, "embedding the message failed; answering without memories");
  }

  const [profile, business, goals, recent] = await Promise.all([
    db.profile.findUnique({ where: { userId } }),
    db.businessProfile.findUnique({ where: { userId } }),
    db.goal.findMany({
      where: { userId, status: "active" },
      orderBy: [{ targetDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
      take: 20,
    }),
    db.message.findMany({
      where: { conversationId: conversation.id, status: { not: "failed" } },
      orderBy: { createdAt: "desc" },
      take: RECENT_MESSAGES,
      select: { id: true, role: true, content: true },
    }),
  ]);
  const contextWithoutMemories = coachSystemMessages({ profile, business, goals, memories: [] }).join("\n\n");
  const history = trimHistory(recent.reverse(), {
    systemPrompt: contextWithoutMemories,
    maxTokens: COACH_MAX_TOKENS + MEMORY_BUDGET_TOKENS,
  });

  let memories: Memory[] = [];
  if (queryVector) {
    const matches = await memory.search(userId, queryVector, MEMORIES_K, { exclude: history.map((m) => m.id) });
    const rows = await db.message.findMany({
      where: { id: { in: matches.map((m) => m.messageId) }, userId },
      select: { id: true, role: true, content: true, createdAt: true },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    memories = matches.flatMap((match) => {
      const row = byId.get(match.messageId);
      return row ? [{ role: row.role, content: row.content, createdAt: row.createdAt, score: match.score }] : [];
    });
    // Best first, as many as fit the budget kept for them (each is cut to 500 characters).
    let budget = MEMORY_BUDGET_TOKENS;
    const fitting: Memory[] = [];
    for (const candidate of memories) {
      budget -= estimateTokens(candidate.content.slice(0, 500));
      if (budget < 0) break;
      fitting.push(candidate);
    }
    memories = fitting;
  }

  const system = coachSystemMessages({ profile, business, goals, memories });
  const save = async (outcome: ChatOutcome) => {
    const reply = await db.$transaction(async (tx) => {
      const message = await tx.message.create({
        data: {
          conversationId: conversation.id,
          userId: conversation.userId,
          role: "assistant",
          content: outcome.content,
          status: outcome.status,
          tokensUsed: outcome.usage?.total_tokens ?? null,
        },
      });
      await tx.conversation.update({ where: { id: conversation.id }, data: { updatedAt: message.createdAt } });
      await publishConversation(tx, events, conversation.id, "updated");
      if (jobs && outcome.status !== "failed") await enqueueActionItemExtraction(jobs, tx, message.id);
      return message;
    });
    await recordUsage(db, log, {
      userId,
      kind: "chat_completion",
      model: outcome.modelUsed,
      promptTokens: outcome.usage?.prompt_tokens ?? 0,
      completionTokens: outcome.usage?.completion_tokens ?? 0,
      latencyMs: outcome.latencyMs,
      metadata: {
        conversationId: conversation.id,
        messageId: reply.id,
        status: outcome.status,
        usageReported: outcome.usage !== null,
        error: outcome.failure?.code ?? (outcome.left ? "user_left" : null),
      },
    });
    if (outcome.status !== "failed") memory.remember(openai, log, reply);
    return reply;
  };

  const result = yield* streamChatCompletion(
    openai,
    {
      model: COACH_MODEL,
      temperature: COACH_TEMPERATURE,
      maxTokens: COACH_MAX_TOKENS,
      messages: [
        ...system.map((text) => ({ role: "system" as const, content: text })),
        ...history.map((m) => ({
          role: m.role === "assistant" ? ("assistant" as const) : ("user" as const),
          content: m.content,
        })),
      ],
    },
    { signal, log, logContext: { conversationId: conversation.id } },
    save,
  );
  if (!result) return;
  yield { ...doneMessage(result.saved.id, result.saved.status, result.outcome), memoriesUsed: memories.length };
}
