// Every AI call the coach makes is recorded (kind, tokens, model, latency, estimated cost) for
// the usage page. Recording never fails the call it describes: a lost usage row is logged.
// Key user actions are usage rows too (kind user_action, the action in metadata, written in the
// action's own transaction), so the usage page counts what people did beside what the AI cost.
import type { Database, Transaction, UsageKind } from "@switchboard/db";
import type pino from "pino";

/** USD per million tokens, [prompt, completion]. Unknown models cost 0 and say so in metadata. */
const PRICES_PER_MILLION: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1": [2, 8],
  "text-embedding-3-small": [0.02, 0],
  "text-embedding-3-large": [0.13, 0],
};

/** The price of a model, matching dated snapshots ("gpt-4o-mini-2024-07-18") to their family. */
function priceOf(model: string): [number, number] | null {
  const family = Object.keys(PRICES_PER_MILLION)
    .filter((name) => model === name || model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? PRICES_PER_MILLION[family]! : null;
}

function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number | null {
  const price = priceOf(model);
  if (!price) return null;
  return (promptTokens * price[0] + completionTokens * price[1]) / 1_000_000;
}

export interface AiUsage {
  userId: string;
  kind: UsageKind;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  metadata?: Record<string, string | number | boolean | null>;
}

export async function recordUsage(db: Database, log: pino.Logger, usage: AiUsage): Promise<void> {
  const cost = estimateCostUsd(usage.model, usage.promptTokens, usage.completionTokens);
  try {
    await db.usageEvent.create({
      data: {
        userId: usage.userId,
        kind: usage.kind,
        model: usage.model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        totalTokens: usage.promptTokens + usage.completionTokens,
        latencyMs: Math.round(usage.latencyMs),
        estimatedCostUsd: (cost ?? 0).toFixed(6),
        metadata: { ...usage.metadata, ...(cost === null ? { priceKnown: false } : {}) },
      },
    });
  } catch (error) {
    log.error({ err: error, usage }, "recording AI usage failed");
  }
}

/** A finished (non-streamed) chat completion's usage: what it reported, timed from `startedAt`. */
export function recordCompletionUsage(
  db: Database,
  log: pino.Logger,
  call: {
    userId: string;
    kind: UsageKind;
    requestedModel: string;
    completion: { model?: string; usage?: { prompt_tokens: number; completion_tokens: number } | null };
    startedAt: number;
    metadata?: AiUsage["metadata"];
  },
): Promise<void> {
  return recordUsage(db, log, {
    userId: call.userId,
    kind: call.kind,
    model: call.completion.model || call.requestedModel,
    promptTokens: call.completion.usage?.prompt_tokens ?? 0,
    completionTokens: call.completion.usage?.completion_tokens ?? 0,
    latencyMs: performance.now() - call.startedAt,
    ...(call.metadata ? { metadata: call.metadata } : {}),
  });
}

export type UserAction =
  | "goal.created"
  | "goal.updated"
  | "goal.deleted"
  | "conversation.created"
  | "conversation.deleted"
  | "coaching_session.created"
  | "coaching_session.started"
  | "coaching_session.completed"
  | "coaching_session.cancelled"
  | "coaching_session.deleted";

type UsageMetadata = Record<string, string | number | boolean | null>;

/**
 * Writes a user action's usage row with the client given. Inside the action's own transaction
 * (`tx`), so the record exists exactly when the action committed; a failure here fails the action.
 */
export async function writeUserAction(
  db: Database | Transaction,
  userId: string,
  action: UserAction,
  metadata: UsageMetadata = {},
): Promise<void> {
  await db.usageEvent.create({ data: { userId, kind: "user_action", metadata: { ...metadata, action } } });
}
