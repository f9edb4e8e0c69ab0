// Action items: what a person means to do next, written by them or extracted by the model from
// a coach reply. Every write reaches only the caller's own rows (another person's id is
// NOT_FOUND), links only the caller's own goals, and publishes the change on `coaching.updates`
// in its own transaction.
import type { Database, Prisma, Transaction } from "@switchboard/db";
import { zodResponseFormat } from "@switchboard/integrations";
import { appError } from "../errors.ts";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";
import { z } from "../validation-messages.ts";
import { todayOf } from "./calendar.ts";
import type { CoachingJobDeps } from "./job-deps.ts";
import { recordCompletionUsage } from "./usage.ts";

const EXTRACTION_MODEL = "gpt-4o-mini";
/** Messages of the conversation, up to the reply, the model reads to find action items. */
const EXTRACTION_CONTEXT_MESSAGES = 12;
const EXTRACTION_MESSAGE_CHARS = 2000;
const MAX_ITEMS_PER_REPLY = 10;
export const TITLE_MAX = 200;

const actionItemNotFound = () => appError("NOT_FOUND", "We couldn't find that action item.");
const goalNotFound = () => appError("NOT_FOUND", "We couldn't find that goal.");

const withGoal = { goal: { select: { title: true } } } satisfies Prisma.ActionItemInclude;
type ActionItemRow = Prisma.ActionItemGetPayload<{ include: typeof withGoal }>;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);

function actionItemViewOf(row: ActionItemRow) {
  return {
    id: row.id,
    title: row.title,
    dueDate: row.dueDate ? isoDay(row.dueDate) : null,
    status: row.status,
    goalId: row.goalId,
    goalTitle: row.goal?.title ?? null,
    conversationId: row.conversationId,
    completedAt: row.completedAt,
    createdAt: row.createdAt,
  };
}

type ActionItemView = ReturnType<typeof actionItemViewOf>;

export async function listActionItems(db: Database, userId: string) {
  const rows = await db.actionItem.findMany({
    where: { userId },
    // Enum order puts open before done.
    orderBy: [{ status: "asc" }, { createdAt: "desc" }, { id: "desc" }],
    include: withGoal,
    take: 500,
  });
  return rows.map(actionItemViewOf);
}

async function assertOwnGoal(tx: Transaction, userId: string, goalId: string | null | undefined) {
  if (!goalId) return;
  const owned = await tx.goal.count({ where: { id: goalId, userId } });
  if (!owned) throw goalNotFound();
}

async function publishItem(
  tx: Transaction,
  events: AppEventBus,
  userId: string,
  change: "created" | "updated",
  item: ActionItemView,
) {
  await events.publish(tx, "coaching.updates", userId, { kind: "action_item", change, item: eventFormOf(item) });
}

export interface ActionItemChanges {
  title?: string | undefined;
  dueDate?: Date | null | undefined;
  goalId?: string | null | undefined;
}

export async function createActionItem(
  db: Database,
  events: AppEventBus,
  userId: string,
  input: ActionItemChanges & { title: string },
): Promise<ActionItemView> {
  return db.$transaction(async (tx) => {
    await assertOwnGoal(tx, userId, input.goalId);
    const row = await tx.actionItem.create({
      data: { userId, title: input.title, dueDate: input.dueDate ?? null, goalId: input.goalId ?? null },
      include: withGoal,
    });
    const item = actionItemViewOf(row);
    await publishItem(tx, events, userId, "created", item);
    return item;
  });
}

/** Applies changes to the caller's item; `data` may depend on the current row (complete/reopen). */
async function changeActionItem(
  db: Database,
  events: AppEventBus,
  userId: string,
  actionItemId: string,
  data: Prisma.ActionItemUncheckedUpdateManyInput,
  onlyIf: Prisma.ActionItemWhereInput = {},
): Promise<ActionItemView> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.actionItem.updateMany({ where: { id: actionItemId, userId, ...onlyIf }, data });
    const row = await tx.actionItem.findFirst({ where: { id: actionItemId, userId }, include: withGoal });
    if (!row) throw actionItemNotFound();
    const item = actionItemViewOf(row);
    // Completing a done item (or reopening an open one) changes nothing, so nothing is published.
    if (count > 0) await publishItem(tx, events, userId, "updated", item);
    return item;
  });
}

export async function updateActionItem(
  db: Database,
  events: AppEventBus,
  userId: string,
  actionItemId: string,
  changes: ActionItemChanges,
): Promise<ActionItemView> {
  return db.$transaction(async (tx) => {
    await assertOwnGoal(tx, userId, changes.goalId);
    const { count } = await tx.actionItem.updateMany({ where: { id: actionItemId, userId }, data: changes });
    if (count === 0) throw actionItemNotFound();
    const row = await tx.actionItem.findUniqueOrThrow({ where: { id: actionItemId }, include: withGoal });
    const item = actionItemViewOf(row);
    await publishItem(tx, events, userId, "updated", item);
    return item;
  });
}

export const completeActionItem = (db: Database, events: AppEventBus, userId: string, id: string) =>
  changeActionItem(db, events, userId, id, { status: "done", completedAt: new Date() }, { status: "open" });

export const reopenActionItem = (db: Database, events: AppEventBus, userId: string, id: string) =>
  changeActionItem(db, events, userId, id, { status: "open", completedAt: null }, { status: "done" });

export async function deleteActionItem(db: Database, events: AppEventBus, userId: string, actionItemId: string) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.actionItem.deleteMany({ where: { id: actionItemId, userId } });
    if (count === 0) throw actionItemNotFound();
    await events.publish(tx, "coaching.updates", userId, { kind: "action_item", change: "deleted", actionItemId });
    return { actionItemId };
  });
}

/** What the model must answer (OpenAI structured outputs, strict JSON schema from this zod schema). */
const extractedActionItems = z.object({
  items: z.array(
    z.object({
      title: z.string().describe("A short imperative action, e.g. 'Draft the CTO job description'."),
      dueDate: z.iso
        .date()
        .nullable()
        .describe("YYYY-MM-DD when the conversation states or clearly implies a date, else null."),
      goalId: z.string().nullable().describe("The id of the listed goal this action serves, or null when none fits."),
    }),
  ),
});

const EXTRACTION_INSTRUCTIONS = [
  "You extract action items from a coaching conversation: concrete next steps the person committed to,",
  "or that the coach proposed in the latest reply and the person is expected to take.",
  "Only include actions stated in the conversation; do not invent any. Return an empty list when there are none.",
  "Use the person's goals (given with their ids) to link an action to the goal it serves.",
].join(" ");

/**
 * Extracts action items from one coach reply and stores the new ones (owner, conversation and
 * source taken from the reply). Idempotent: an item is unique per (reply, title), so a re-run
 * adds nothing twice. Output that does not match the schema throws before anything is written,
 * so the job fails and is retried.
 */
export async function extractActionItems(
  deps: CoachingJobDeps,
  messageId: string,
): Promise<{ created: number; skipped: "reply_gone" | null }> {
  const { db, events, openai, log } = deps;
  const reply = await db.message.findFirst({
    where: { id: messageId, role: "assistant", status: { not: "failed" } },
    select: { id: true, userId: true, conversationId: true, createdAt: true },
  });
  if (!reply) return { created: 0, skipped: "reply_gone" };
  const { userId } = reply;
  const [recent, goals, today] = await Promise.all([
    db.message.findMany({
      where: { conversationId: reply.conversationId, createdAt: { lte: reply.createdAt }, status: { not: "failed" } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: EXTRACTION_CONTEXT_MESSAGES,
      select: { role: true, content: true },
    }),
    db.goal.findMany({
      where: { userId, status: "active" },
      orderBy: { createdAt: "asc" },
      take: 30,
      select: { id: true, title: true },
    }),
    todayOf(db, userId),
  ]);
  const conversation = recent
    .reverse()
    .map((m) => `${m.role === "assistant" ? "Coach" : "Person"}: ${m.content.slice(0, EXTRACTION_MESSAGE_CHARS)}`)
    .join("\n\n");

  const started = performance.now();
  // create() rather than parse(): parse() throws on a malformed answer before its usage can be
  // recorded; the answer is validated against the same zod schema just below.
  const completion = await openai.chat.completions.create({
    model: EXTRACTION_MODEL,
    temperature: 0,
    max_tokens: 800,
    response_format: zodResponseFormat(extractedActionItems, "action_items"),
    messages: [
      { role: "system", content: `${EXTRACTION_INSTRUCTIONS} Today is ${today}.` },
      {
        role: "user",
        content: `Goals:\n${JSON.stringify(goals)}\n\nConversation (the last message is the coach's reply):\n\n${conversation}`,
      },
    ],
  });
  await recordCompletionUsage(db, log, {
    userId,
    kind: "action_extraction",
    requestedModel: EXTRACTION_MODEL,
    completion,
    startedAt: started,
    metadata: { messageId, conversationId: reply.conversationId },
  });
  const choice = completion.choices[0];
  const parsed = parseExtraction(choice?.message.content);
  if (!parsed.success) {
    log.warn(
      {
        messageId,
        finishReason: choice?.finish_reason,
        refusal: choice?.message.refusal ?? null,
        problem: parsed.problem,
      },
      "the model's action items did not match the schema; nothing stored, the job will retry",
    );
    throw new Error(`action item extraction returned invalid output: ${parsed.problem}`);
  }

  const goalTitles = new Map(goals.map((goal) => [goal.id, goal.title]));
  const byTitle = new Map<string, Prisma.ActionItemCreateManyInput>();
  for (const item of parsed.items.slice(0, MAX_ITEMS_PER_REPLY)) {
    const title = item.title.replace(/\s+/g, " ").trim().slice(0, TITLE_MAX);
    if (!title || byTitle.has(title)) continue;
    byTitle.set(title, {
      userId,
      conversationId: reply.conversationId,
      sourceMessageId: reply.id,
      title,
      dueDate: item.dueDate ? dateOf(item.dueDate) : null,
      // Only the person's own active goals were offered; anything else is not a link.
      goalId: item.goalId && goalTitles.has(item.goalId) ? item.goalId : null,
    });
  }
  if (byTitle.size === 0) return { created: 0, skipped: null };
  const created = await db.$transaction(async (tx) => {
    const rows = await tx.actionItem.createManyAndReturn({
      data: [...byTitle.values()],
      skipDuplicates: true,
      include: withGoal,
    });
    for (const row of rows) await publishItem(tx, events, userId, "created", actionItemViewOf(row));
    return rows.length;
  });
  return { created, skipped: null };
}

function parseExtraction(
  content: string | null | undefined,
): { success: true; items: z.infer<typeof extractedActionItems>["items"] } | { success: false; problem: string } {
  if (!content) return { success: false, problem: "no content" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { success: false, problem: "not JSON" };
  }
  const result = extractedActionItems.safeParse(json);
  if (!result.success) return { success: false, problem: z.prettifyError(result.error) };
  return { success: true, items: result.data.items };
}
