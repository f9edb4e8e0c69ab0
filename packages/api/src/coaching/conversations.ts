// A person's conversations with the coach: their own rows only (other people's ids are
// NOT_FOUND, like ids that do not exist). The coach's replies are coach-reply.ts.
import type { ConversationType, Database } from "@switchboard/db";
import { appError } from "../errors.ts";
import { memoryIndexFor } from "./memory.ts";
import { writeUserAction } from "./usage.ts";

export const conversationNotFound = () => appError("NOT_FOUND", "We couldn't find that conversation.");

/** The person's conversations, most recently active first. */
export function listConversations(db: Database, userId: string) {
  return db.conversation.findMany({
    where: { userId },
    orderBy: { updatedAt: "desc" },
    take: 100,
    include: { _count: { select: { messages: true } } },
  });
}

export function createConversation(
  db: Database,
  userId: string,
  input: { sessionType: ConversationType; title: string },
) {
  return db.$transaction(async (tx) => {
    const conversation = await tx.conversation.create({ data: { userId, ...input } });
    await writeUserAction(tx, userId, "conversation.created", { conversationId: conversation.id });
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

export async function renameConversation(db: Database, userId: string, conversationId: string, title: string) {
  const { count } = await db.conversation.updateMany({ where: { id: conversationId, userId }, data: { title } });
  if (count === 0) throw conversationNotFound();
  return { conversationId, title };
}

/** Deletes the conversation with its messages and their memories. */
export async function deleteConversation(db: Database, userId: string, conversationId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.conversation.deleteMany({ where: { id: conversationId, userId } });
    if (count === 0) throw conversationNotFound();
    await writeUserAction(tx, userId, "conversation.deleted", { conversationId });
  });
  memoryIndexFor(db).invalidate(userId);
  return { conversationId };
}
