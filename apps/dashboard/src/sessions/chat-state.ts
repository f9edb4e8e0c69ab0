// The pure parts of a session's chat: the messages as the page holds them (from sessions.messages
// and the live events, each exactly once, in the session's order), the sender's own messages not
// yet confirmed (the outbox), and how each bubble reads (pending → sent → read). Pure, so the
// guarantees the page makes are easy to test (chat-state.test.ts).

export type Role = "customer" | "mechanic";

/** One message as the API gives it (its instant a Date, or an ISO string from a live event). */
export interface ChatMessage {
  messageId: string;
  position: number;
  authorRole: Role;
  body: string;
  clientKey: string;
  createdAt: Date;
}

export function chatMessageOf(message: Omit<ChatMessage, "createdAt"> & { createdAt: Date | string }): ChatMessage {
  return { ...message, createdAt: new Date(message.createdAt) };
}

/**
 * `held` with `incoming` added: each message once (by messageId; a replayed or re-read message
 * changes nothing), in position order. Returns `held` itself when nothing was new, so a state
 * update with it renders nothing.
 */
export function mergeMessages(held: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  const known = new Set(held.map((message) => message.messageId));
  const added = incoming.filter((message) => {
    if (known.has(message.messageId)) return false;
    known.add(message.messageId);
    return true;
  });
  if (added.length === 0) return held;
  return [...held, ...added].sort((a, b) => a.position - b.position);
}

/**
 * A message of one's own on its way: `queued` (its turn to be sent comes), `sending`, `waiting`
 * (the connection is down; it goes, with the same key, when the connection is back) or `failed`
 * (the server refused it: the reason is shown, with Retry).
 */
export interface OutgoingMessage {
  clientKey: string;
  body: string;
  state: "queued" | "sending" | "waiting" | "failed";
  problem: string | null;
  createdAt: Date;
}

export type BubbleStatus = "pending" | "waiting" | "failed" | "sent" | "read";

export interface Bubble {
  key: string;
  mine: boolean;
  body: string;
  createdAt: Date;
  /** Only for one's own messages. */
  status: BubbleStatus | null;
  problem: string | null;
  /** For a failed one: the key to retry it with. */
  clientKey: string | null;
}

/**
 * What the conversation shows: the session's messages in order, then one's own messages not yet
 * in it (an outgoing message whose key a stored message of one's own carries is that message, so
 * it is shown once). One's own stored messages read "read" once the other side has read through
 * their position.
 */
export function bubblesOf(
  messages: readonly ChatMessage[],
  outgoing: readonly OutgoingMessage[],
  viewer: Role,
  otherReadThrough: number,
): Bubble[] {
  const mine = new Set(messages.filter((m) => m.authorRole === viewer).map((m) => m.clientKey));
  const stored: Bubble[] = messages.map((message) => {
    const own = message.authorRole === viewer;
    return {
      key: message.messageId,
      mine: own,
      body: message.body,
      createdAt: message.createdAt,
      status: own ? (message.position <= otherReadThrough ? "read" : "sent") : null,
      problem: null,
      clientKey: null,
    };
  });
  const pending: Bubble[] = outgoing
    .filter((message) => !mine.has(message.clientKey))
    .map((message) => ({
      key: `pending-${message.clientKey}`,
      mine: true,
      body: message.body,
      createdAt: message.createdAt,
      status: message.state === "failed" ? "failed" : message.state === "waiting" ? "waiting" : "pending",
      problem: message.problem,
      clientKey: message.clientKey,
    }));
  return [...stored, ...pending];
}

/** The position of the other side's latest message (0 when they have written none). */
export function latestFromOther(messages: readonly ChatMessage[], viewer: Role): number {
  let latest = 0;
  for (const message of messages) {
    if (message.authorRole !== viewer && message.position > latest) latest = message.position;
  }
  return latest;
}

export const bubbleStatusLabels: Record<BubbleStatus, string> = {
  pending: "Sending…",
  waiting: "Not sent yet — it goes as soon as you're back online",
  failed: "Not sent",
  sent: "Sent",
  read: "Read",
};

/** A message's limits, as sessions.send takes it (1–4,000 characters once trimmed). */
export const MESSAGE_MAX = 4000;

/**
 * An estimate typed in dollars ("120", "120.5", "1,250.00", "$80") as cents, null when left
 * empty, or the reason it can't be read. The API takes 0 to 100,000,000 cents.
 */
export function estimateCentsOf(typed: string): { cents: number | null } | { problem: string } {
  const cleaned = typed.trim().replace(/^\$/, "").replaceAll(",", "").trim();
  if (cleaned === "") return { cents: null };
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) {
    return { problem: "Enter the estimate in dollars, like 120 or 120.50." };
  }
  const [whole = "0", fraction = ""] = cleaned.split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(cents) || cents > 100_000_000) {
    return { problem: "The estimate can be at most $1,000,000." };
  }
  return { cents };
}

const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatCents(cents: number): string {
  return dollars.format(cents / 100);
}
