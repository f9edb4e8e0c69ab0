// A session's conversation: the messages (one's own on the right, each saying whether it is
// sending, sent or read), the other side's "typing…" and presence, and the box to write in
// (Enter sends, Shift+Enter starts a new line, up to 4,000 characters). When the session has
// ended the box is switched off and a sentence says why.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { FormError } from "../pages/form-fields.tsx";
import { type Bubble, bubbleStatusLabels, MESSAGE_MAX } from "./chat-state.ts";
import { formatTime } from "./session-labels.ts";

export function SessionChat({
  bubbles,
  otherName,
  otherTyping,
  otherOnline,
  loaded,
  loadProblem,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  onRetry,
  closed,
  onWrite,
  onTyping,
}: {
  bubbles: readonly Bubble[];
  otherName: string;
  otherTyping: boolean;
  otherOnline: boolean;
  loaded: boolean;
  loadProblem: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientKey: string) => void;
  /** Why nobody can write any more (the session ended), or null while they can. */
  closed: string | null;
  onWrite: (body: string) => void;
  onTyping: () => void;
}) {
  const logRef = useRef<HTMLOListElement>(null);
  const last = bubbles.at(-1)?.key;
  // New messages scroll into view (the log scrolls on its own, the page stays where it is).
  useEffect(() => {
    if (last === undefined) return;
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [last]);

  return (
    <section aria-labelledby="chat-heading" className="panel session-chat">
      <div className="session-chat-header">
        <h2 id="chat-heading">Chat</h2>
        <p className="presence" data-online={otherOnline || undefined}>
          <span className="presence-dot" aria-hidden="true" />
          {otherOnline ? `${otherName} is online` : `${otherName} is offline`}
        </p>
      </div>
      <FormError message={loadProblem} />
      {hasOlder && (
        <p>
          <button type="button" className="secondary" onClick={onLoadOlder} disabled={loadingOlder}>
            {loadingOlder ? "Loading earlier messages…" : "Show earlier messages"}
          </button>
        </p>
      )}
      {!loaded && !loadProblem ? (
        <p className="loading" aria-busy="true">
          Loading the conversation…
        </p>
      ) : bubbles.length === 0 ? (
        <p className="empty-state">No messages yet. Say hello.</p>
      ) : null}
      {/* Tabbable, so someone on a keyboard can scroll it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <ol className="session-log" aria-label="Messages" aria-live="polite" ref={logRef} tabIndex={0}>
        {bubbles.map((bubble) => (
          <li
            key={bubble.key}
            className="session-bubble"
            data-mine={bubble.mine || undefined}
            data-status={bubble.status ?? undefined}
          >
            <span className="visually-hidden">{bubble.mine ? "You: " : `${otherName}: `}</span>
            <span className="session-bubble-text">{bubble.body}</span>
            <span className="session-bubble-meta">
              <time dateTime={bubble.createdAt.toISOString()}>{formatTime(bubble.createdAt)}</time>
              {bubble.status && <span className="session-bubble-status"> · {bubbleStatusLabels[bubble.status]}</span>}
            </span>
            {bubble.status === "failed" && bubble.clientKey && (
              <span className="session-bubble-problem">
                {bubble.problem}{" "}
                <button type="button" className="secondary" onClick={() => onRetry(bubble.clientKey as string)}>
                  Retry
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      <p className="typing" aria-live="polite">
        {otherTyping ? `${otherName} is typing…` : ""}
      </p>
      {closed ? <p className="session-closed">{closed}</p> : <Composer onWrite={onWrite} onTyping={onTyping} />}
    </section>
  );
}

function Composer({ onWrite, onTyping }: { onWrite: (body: string) => void; onTyping: () => void }) {
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const counterId = `${id}-counter`;
  const length = draft.trim().length;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = draft.trim();
    if (!body) {
      setProblem("Write a message first.");
      return;
    }
    if (body.length > MESSAGE_MAX) {
      setProblem(`A message can be at most ${MESSAGE_MAX.toLocaleString("en-US")} characters.`);
      return;
    }
    setProblem(null);
    onWrite(body);
    setDraft("");
  };

  return (
    <form className="session-composer" onSubmit={submit} aria-label="Write a message">
      <FormError message={problem} />
      <div className="field">
        <label htmlFor={id}>Message</label>
        <textarea
          id={id}
          name="message"
          rows={2}
          value={draft}
          aria-describedby={counterId}
          aria-invalid={length > MESSAGE_MAX || undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            if (event.target.value.trim()) onTyping();
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <p className="hint" id={counterId} data-over={length > MESSAGE_MAX || undefined}>
          {length.toLocaleString("en-US")} / {MESSAGE_MAX.toLocaleString("en-US")} characters · Enter sends, Shift+Enter
          starts a new line
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" disabled={length === 0 || length > MESSAGE_MAX}>
          Send
        </button>
      </div>
    </form>
  );
}
