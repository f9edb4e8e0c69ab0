// How much conversation a model call may carry: a rough token estimate and history trimming,
// shared by every product that sends chat history (agents, coaching).

/** Rough token estimate (4 characters a token) for trimming history to the model's budget. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4) + 4;

/** How much history a model may be sent, in tokens (a cost ceiling, below every context window). */
const HISTORY_BUDGET_TOKENS = 6000;

/** The newest messages that fit the budget left after the prompt and the reply, oldest first. */
export function trimHistory<T extends { content: string }>(
  messages: T[],
  prompt: { systemPrompt: string; maxTokens: number },
  budget = HISTORY_BUDGET_TOKENS,
): T[] {
  let left = budget - estimateTokens(prompt.systemPrompt) - prompt.maxTokens;
  const kept: T[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const cost = estimateTokens(messages[i]!.content);
    if (cost > left) break;
    left -= cost;
    kept.unshift(messages[i]!);
  }
  return kept;
}
