// A person's conversations with the coach: their own rows only (other people's ids are
// NOT_FOUND, like ids that do not exist). The coach's replies are coach-reply.ts. Every change
// to the list (created, renamed, a message stored, deleted) is published on `coaching.updates`
// in the change's transaction.
import type { ConversationType, Database, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";
import { memoryIndexFor } from "./memory.ts";
import { writeUserAction } from "./usage.ts";

export const conversationNotFound = () => appError("NOT_FOUND", "We couldn't find that conversation.");

const withMessageCount = { _count: { select: { messages: true } } } as const;

/** The person's conversations, most recently active first. */
export function listConversations(db: Database, userId: string) {
  return db.conversation.findMany({
    where: { userId },
    orderBy: { updatedAt: "desc" },
    take: 100,
    include: withMessageCount,
  });
}

/** Publishes the conversation as the list shows it (its message count read in the same transaction). */
export async function publishConversation(
  tx: Transaction,
  events: AppEventBus,
  conversationId: string,
  change: "created" | "updated",
) {
  const conversation = await tx.conversation.findUniqueOrThrow({
    where: { id: conversationId },
    include: withMessageCount,
  });
  await events.publish(tx, "coaching.updates", conversation.userId, {
    kind: "conversation",
    change,
    conversation: eventFormOf(conversation),
  });
}

export function createConversation(
  db: Database,
  events: AppEventBus,
  userId: string,
  input: { sessionType: ConversationType; title: string },
) {
  return db.$transaction(async (tx) => {
    const conversation = await tx.conversation.create({ data: { userId, ...input } });
    await writeUserAction(tx, userId, "conversation.created", { conversationId: conversation.id });
    await publishConversation(tx, events, conversation.id, "created");
    return conversation;
  });
}

/** The conversation and its latest 200 messages, oldest first. */
export async function findConversation(db: Database, userId: string, conversationId: string) {
  const conversation = await db.conversation.findFirst({ where: { id: conversationId, userId } });
  if (!conversation) throw conversationNotFound();
  const messages = await db.message.findMany({
    where: { conversationId: conversation.id },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, role: true, content: true, status: true, tokensUsed: true, createdAt: true },
  });
  return { ...conversation, messages: messages.reverse() };
}

export async function renameConversation(
  db: Database,
  events: AppEventBus,
  userId: string,
  conversationId: string,
  title: string,
) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.conversation.updateMany({ where: { id: conversationId, userId }, data: { title } });
    if (count === 0) throw conversationNotFound();
    await publishConversation(tx, events, conversationId, "updated");
  });
  return { conversationId, title };
}

/** Deletes the conversation with its messages and their memories. */
export async function deleteConversation(db: Database, events: AppEventBus, userId: string, conversationId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.conversation.deleteMany({ where: { id: conversationId, userId } });
    if (count === 0) throw conversationNotFound();
    await writeUserAction(tx, userId, "conversation.deleted", { conversationId });
    await events.publish(tx, "coaching.updates", userId, { kind: "conversation", change: "deleted", conversationId });
  });
  memoryIndexFor(db).invalidate(userId);
  return { conversationId };
}
