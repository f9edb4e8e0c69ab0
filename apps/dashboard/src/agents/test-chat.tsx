// The test panel: a real conversation with the published version, as a visitor would have it.
// Each message is its own subscription; the reply's chunks are appended to its bubble as they
// arrive, then the stored reply's numbers (tokens, time, model) appear under it.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, TextAreaField } from "../pages/form-fields.tsx";
import type { AgentDetail } from "./agent-labels.ts";

interface ReplyStats {
  tokensUsed: number | null;
  latencyMs: number;
  modelUsed: string;
  status: "complete" | "incomplete";
}

interface ChatBubble {
  id: number;
  role: "user" | "assistant";
  text: string;
  streaming?: boolean;
  stats?: ReplyStats;
}

interface ChatSession {
  sessionId: string;
  versionNumber: number;
}

function statsLine(stats: ReplyStats): string {
  const tokens = stats.tokensUsed === null ? "tokens not reported" : `${stats.tokensUsed} tokens`;
  const cut = stats.status === "incomplete" ? " · cut short" : "";
  return `${tokens} · ${(stats.latencyMs / 1000).toFixed(2)} s · ${stats.modelUsed}${cut}`;
}

export function TestChat({ organizationId, agent }: { organizationId: string; agent: AgentDetail }) {
  const utils = trpc.useUtils();
  const [session, setSession] = useState<ChatSession | null>(null);
  const [bubbles, setBubbles] = useState<ChatBubble[]>([]);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [replying, setReplying] = useState(false);
  const nextId = useRef(0);
  const unsubscribe = useRef<(() => void) | null>(null);
  const start = trpc.agents.startSession.useMutation();

  // Leaving the page ends a reply in progress (the server keeps what was said so far).
  useEffect(() => () => unsubscribe.current?.(), []);

  const published = agent.publishedVersionId !== null;
  const publishedVersion = agent.versions.find((version) => version.id === agent.publishedVersionId);

  const updateBubble = (id: number, change: (bubble: ChatBubble) => ChatBubble) =>
    setBubbles((current) => current.map((bubble) => (bubble.id === id ? change(bubble) : bubble)));

  const refreshActivity = () =>
    Promise.all([
      utils.agents.sessions.invalidate({ organizationId, agentId: agent.agentId }),
      utils.agents.stats.invalidate({ organizationId, agentId: agent.agentId }),
      utils.agents.list.invalidate(),
    ]);

  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const content = draft.trim();
    if (!content || replying) return;
    setProblem(null);
    setReplying(true);
    let current = session;
    if (!current) {
      try {
        current = await start.mutateAsync({ agentId: agent.agentId, testPanel: true });
        setSession(current);
      } catch (error) {
        setProblem(readAppError(error).message);
        setReplying(false);
        return;
      }
    }
    setDraft("");
    const userId = nextId.current++;
    const replyId = nextId.current++;
    setBubbles((list) => [
      ...list,
      { id: userId, role: "user", text: content },
      { id: replyId, role: "assistant", text: "", streaming: true },
    ]);
    const finish = () => {
      setReplying(false);
      unsubscribe.current = null;
      void refreshActivity();
    };
    const subscription = utils.client.agents.sendMessage.subscribe(
      { sessionId: current.sessionId, content },
      {
        onData: (message) => {
          if (message.type === "chunk") {
            updateBubble(replyId, (bubble) => ({ ...bubble, text: bubble.text + message.text }));
          } else {
            updateBubble(replyId, (bubble) => ({
              ...bubble,
              text: message.content,
              streaming: false,
              stats: {
                tokensUsed: message.tokensUsed,
                latencyMs: message.latencyMs,
                modelUsed: message.modelUsed,
                status: message.status,
              },
            }));
          }
        },
        onError: (error) => {
          setProblem(readAppError(error).message);
          // A reply that never started leaves no bubble behind; a partial one stays, marked.
          setBubbles((list) =>
            list.flatMap((bubble) => {
              if (bubble.id !== replyId) return [bubble];
              return bubble.text ? [{ ...bubble, streaming: false }] : [];
            }),
          );
          finish();
        },
        onComplete: () => {
          updateBubble(replyId, (bubble) => ({ ...bubble, streaming: false }));
          finish();
        },
      },
    );
    unsubscribe.current = () => subscription.unsubscribe();
  };

  const restart = () => {
    unsubscribe.current?.();
    setSession(null);
    setBubbles([]);
    setProblem(null);
    setReplying(false);
  };

  return (
    <section aria-labelledby="test-chat-heading" className="panel test-chat">
      <h2 id="test-chat-heading">Test chat</h2>
      {!published ? (
        <p className="notice">Publish the agent to try it.</p>
      ) : (
        <>
          <p className="hint">
            {session
              ? `Talking to version ${session.versionNumber}.`
              : `A new conversation uses the published version${publishedVersion ? ` (${publishedVersion.version})` : ""}.`}
          </p>
          <ol className="chat-log" aria-label="Conversation" aria-live="polite">
            {bubbles.map((bubble) => (
              <li
                key={bubble.id}
                className={`chat-bubble chat-${bubble.role}`}
                aria-busy={bubble.streaming || undefined}
              >
                <span className="visually-hidden">{bubble.role === "user" ? "You: " : "Agent: "}</span>
                <span className="chat-text">{bubble.text || (bubble.streaming ? "…" : "")}</span>
                {bubble.stats && <span className="chat-stats">{statsLine(bubble.stats)}</span>}
              </li>
            ))}
          </ol>
          <FormError message={problem} />
          <form className="chat-form" onSubmit={send} aria-label="Send a test message">
            <TextAreaField
              label="Message"
              name="message"
              rows={2}
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter" && !event.shiftKey) {
                  event.preventDefault();
                  event.currentTarget.form?.requestSubmit();
                }
              }}
            />
            <div className="form-actions">
              <button type="submit" disabled={replying || !draft.trim()}>
                {replying ? "Replying…" : "Send"}
              </button>
              {session && (
                <button type="button" className="secondary" onClick={restart}>
                  New conversation
                </button>
              )}
            </div>
          </form>
        </>
      )}
    </section>
  );
}
