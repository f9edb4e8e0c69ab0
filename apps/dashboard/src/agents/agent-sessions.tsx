// An agent's conversations, newest first; each opens to its transcript.
import { getRouteApi } from "@tanstack/react-router";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { formatTime } from "./agent-labels.ts";
import "../chat/chat.css";
import { useAgentSessions } from "./agent-live.ts";

const testPanelDomain = "switchboard-test-panel";

const agentRoute = getRouteApi("/signed-in/agents/$agentId");

export function AgentSessions({ organizationId, agentId }: { organizationId: string; agentId: string }) {
  const sessions = useAgentSessions(organizationId, agentId);
  // The open conversation lives in the address (?conversation=<id>), so it can be linked to.
  const openId = agentRoute.useSearch().conversation ?? null;
  const navigate = agentRoute.useNavigate();
  const setOpenId = (id: string | null) =>
    void navigate({ search: { conversation: id ?? undefined }, replace: true, resetScroll: false });
  return (
    <section aria-labelledby="sessions-heading" className="panel">
      <h2 id="sessions-heading">Conversations</h2>
      {sessions.isPending && <p className="loading">Loading conversations…</p>}
      <FormError message={sessions.error ? readAppError(sessions.error).message : null} />
      <LiveUpdatesAlert problem={sessions.liveProblem} />
      {sessions.data?.length === 0 && <p className="empty-state">No conversations yet.</p>}
      {sessions.data && sessions.data.length > 0 && (
        <ul className="session-list" aria-label="Conversations">
          {sessions.data.map((session) => {
            const open = openId === session.id;
            const where = session.websiteDomain === testPanelDomain ? "Test chat" : session.websiteDomain;
            return (
              <li key={session.id} className="session-row">
                <button
                  type="button"
                  className="session-toggle"
                  aria-expanded={open}
                  onClick={() => setOpenId(open ? null : session.id)}
                >
                  {where} · {formatTime(session.startedAt)}
                </button>
                <span className="session-meta">
                  {session.messageCount} {session.messageCount === 1 ? "message" : "messages"} · version{" "}
                  {session.agentVersion.version} · {session.status}
                </span>
                {open && <Transcript organizationId={organizationId} sessionId={session.id} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Transcript({ organizationId, sessionId }: { organizationId: string; sessionId: string }) {
  const transcript = trpc.agents.transcript.useQuery({ organizationId, sessionId });
  if (transcript.isPending) return <p className="loading">Loading the transcript…</p>;
  if (transcript.error) return <FormError message={readAppError(transcript.error).message} />;
  if (transcript.data.length === 0) return <p className="empty-state">Nothing was said.</p>;
  return (
    <ol className="transcript" aria-label="Transcript">
      {transcript.data.map((message) => (
        <li key={message.id} className={`chat-bubble chat-${message.role === "user" ? "user" : "assistant"}`}>
          <span className="transcript-role">{message.role === "user" ? "Visitor" : "Agent"}</span>
          <span className="chat-text">{message.content}</span>
          {message.role === "assistant" && (
            <span className="chat-stats">
              {message.status !== "complete" &&
                `${message.status}${message.errorCode ? ` (${message.errorCode})` : ""} · `}
              {message.tokensUsed !== null && `${message.tokensUsed} tokens · `}
              {message.latencyMs !== null && `${(message.latencyMs / 1000).toFixed(2)} s · `}
              {formatTime(message.createdAt)}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
