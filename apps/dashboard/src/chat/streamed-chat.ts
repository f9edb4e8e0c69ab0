// A chat whose replies stream in, shared by the agents' test panel and the coach. Each turn is one
// subscription: the person's message and an empty reply bubble appear at once, the reply's chunks
// are appended as they arrive, then the stored reply (with its tokens, time and model) replaces
// the stream. Leaving the page ends a reply in progress; the server keeps what was said so far.
import { useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { wasRefusedOffline } from "../api/offline-refusal.ts";
import { useOutageAwareProblem } from "../session/use-connection.ts";

export interface ReplyStats {
  tokensUsed: number | null;
  latencyMs: number;
  modelUsed: string;
  status: "complete" | "incomplete";
}

export interface ChatBubble {
  key: string;
  role: "user" | "assistant";
  text: string;
  streaming?: boolean;
  stats?: ReplyStats;
}

/** What a chat subscription sends: the API's stream message, as far as the page reads it. */
type ReplyMessage = { type: "chunk"; text: string } | ({ type: "done"; content: string } & ReplyStats);

/** Starts one reply's subscription (e.g. `utils.client.coaching.send.subscribe(input, handlers)`). */
export type ReplySubscription = (handlers: {
  onData: (message: ReplyMessage) => void;
  onError: (error: unknown) => void;
  onComplete: () => void;
}) => { unsubscribe: () => void };

export function useStreamedChat({
  onReplyEnded,
  onNotSent,
}: {
  onReplyEnded?: () => void;
  /** A message refused while offline is handed back (e.g. to the draft), so it is never lost. */
  onNotSent?: (content: string) => void;
} = {}) {
  const [bubbles, setBubbles] = useState<ChatBubble[]>([]);
  // A problem that only said "no connection" goes when the connection is back.
  const [problem, setProblem] = useOutageAwareProblem<string>();
  /** Shows why a call failed (e.g. starting the chat's session). */
  const showError = (error: unknown) => setProblem(readAppError(error).message, error);
  const [replying, setReplying] = useState(false);
  const nextKey = useRef(0);
  const unsubscribe = useRef<(() => void) | null>(null);
  const replyEnded = useRef(onReplyEnded);
  replyEnded.current = onReplyEnded;

  useEffect(() => () => unsubscribe.current?.(), []);

  const updateBubble = (key: string, change: (bubble: ChatBubble) => ChatBubble) =>
    setBubbles((current) => current.map((bubble) => (bubble.key === key ? change(bubble) : bubble)));

  const send = (content: string, subscribe: ReplySubscription) => {
    setProblem(null);
    setReplying(true);
    const askedKey = `turn-${nextKey.current++}`;
    const replyKey = `turn-${nextKey.current++}`;
    setBubbles((list) => [
      ...list,
      { key: askedKey, role: "user", text: content },
      { key: replyKey, role: "assistant", text: "", streaming: true },
    ]);
    const finish = () => {
      setReplying(false);
      unsubscribe.current = null;
      replyEnded.current?.();
    };
    const subscription = subscribe({
      onData: (message) => {
        if (message.type === "chunk") {
          updateBubble(replyKey, (bubble) => ({ ...bubble, text: bubble.text + message.text }));
          return;
        }
        const { tokensUsed, latencyMs, modelUsed, status } = message;
        updateBubble(replyKey, (bubble) => ({
          ...bubble,
          text: message.content,
          streaming: false,
          stats: { tokensUsed, latencyMs, modelUsed, status },
        }));
      },
      onError: (error) => {
        showError(error);
        if (wasRefusedOffline(error)) {
          // Never sent: neither bubble stays, and the words go back to the person.
          setBubbles((list) => list.filter((bubble) => bubble.key !== askedKey && bubble.key !== replyKey));
          onNotSent?.(content);
          finish();
          return;
        }
        // A reply that never started leaves no bubble behind; a partial one stays.
        setBubbles((list) =>
          list.flatMap((bubble) => {
            if (bubble.key !== replyKey) return [bubble];
            return bubble.text ? [{ ...bubble, streaming: false }] : [];
          }),
        );
        finish();
      },
      onComplete: () => {
        updateBubble(replyKey, (bubble) => ({ ...bubble, streaming: false }));
        finish();
      },
    });
    unsubscribe.current = () => subscription.unsubscribe();
  };

  const reset = () => {
    unsubscribe.current?.();
    unsubscribe.current = null;
    setBubbles([]);
    setProblem(null);
    setReplying(false);
  };

  return { bubbles, problem, showError, replying, send, reset };
}
