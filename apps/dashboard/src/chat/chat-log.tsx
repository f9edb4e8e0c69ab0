// A conversation as a list of bubbles, and the box to type the next message in. A streaming reply
// is marked busy, and the log is a polite live region, so screen readers hear replies arrive.
import type { FormEvent, ReactNode } from "react";
import { FormError, TextAreaField } from "../pages/form-fields.tsx";
import type { ChatBubble, ReplyStats } from "./streamed-chat.ts";
import "./chat.css";

function statsLine(stats: ReplyStats): string {
  const tokens = stats.tokensUsed === null ? "tokens not reported" : `${stats.tokensUsed} tokens`;
  const cut = stats.status === "incomplete" ? " · cut short" : "";
  return `${tokens} · ${(stats.latencyMs / 1000).toFixed(2)} s · ${stats.modelUsed}${cut}`;
}

/** `speaker` names the assistant for screen readers ("Agent", "Coach"). */
export function ChatLog({ bubbles, speaker }: { bubbles: readonly ChatBubble[]; speaker: string }) {
  return (
    <ol className="chat-log" aria-label="Conversation" aria-live="polite">
      {bubbles.map((bubble) => (
        <li key={bubble.key} className={`chat-bubble chat-${bubble.role}`} aria-busy={bubble.streaming || undefined}>
          <span className="visually-hidden">{bubble.role === "user" ? "You: " : `${speaker}: `}</span>
          <span className="chat-text">{bubble.text || (bubble.streaming ? "…" : "")}</span>
          {bubble.stats && <span className="chat-stats">{statsLine(bubble.stats)}</span>}
        </li>
      ))}
    </ol>
  );
}

/** Enter sends, Shift+Enter starts a new line. `actions` go beside the Send button. */
export function ChatComposer({
  label,
  draft,
  onDraftChange,
  onSend,
  busy,
  problem,
  actions,
  unavailable = false,
}: {
  label: string;
  draft: string;
  onDraftChange: (draft: string) => void;
  onSend: () => void;
  busy: boolean;
  problem: string | null;
  actions?: ReactNode;
  /** Nobody can answer here (the server's AI is off): the box and Send are switched off. */
  unavailable?: boolean;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!busy && !unavailable && draft.trim()) onSend();
  };
  return (
    <>
      <FormError message={problem} />
      <form className="chat-form" onSubmit={submit} aria-label={label}>
        <TextAreaField
          label="Message"
          name="message"
          rows={2}
          value={draft}
          disabled={unavailable}
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <div className="form-actions">
          <button type="submit" disabled={busy || unavailable || !draft.trim()}>
            {busy ? "Replying…" : "Send"}
          </button>
          {actions}
        </div>
      </form>
    </>
  );
}
