// A chat whose replies stream in, shared by the agents' test panel and the coach. Each turn is one
// subscription: the person's message and an empty reply bubble appear at once, the reply's chunks
// are appended as they arrive, then the stored reply (with its tokens, time and model) replaces
// the stream. Leaving the page ends a reply in progress; the server keeps what was said so far.
import { useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";

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

export function useStreamedChat({ onReplyEnded }: { onReplyEnded?: () => void } = {}) {
  const [bubbles, setBubbles] = useState<ChatBubble[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
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
        setProblem(readAppError(error).message);
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

  return { bubbles, problem, setProblem, replying, send, reset };
}
