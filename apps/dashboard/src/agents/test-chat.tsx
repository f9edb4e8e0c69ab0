// The test panel: a real conversation with the published version, as a visitor would have it.
// The session starts with the first message; each reply streams in (chat/streamed-chat.ts).
import { useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { ChatComposer, ChatLog } from "../chat/chat-log.tsx";
import { useStreamedChat } from "../chat/streamed-chat.ts";
import type { AgentDetail } from "./agent-labels.ts";

interface ChatSession {
  sessionId: string;
  versionNumber: number;
}

export function TestChat({ agent }: { agent: AgentDetail }) {
  const utils = trpc.useUtils();
  const [session, setSession] = useState<ChatSession | null>(null);
  const [draft, setDraft] = useState("");
  const start = trpc.agents.startSession.useMutation();
  // The conversations, the numbers and the list follow agents.onActivity (agent-live.ts), so
  // nothing here reads them again.
  const chat = useStreamedChat({});

  const published = agent.publishedVersionId !== null;
  const publishedVersion = agent.versions.find((version) => version.id === agent.publishedVersionId);

  const send = async () => {
    const content = draft.trim();
    let current = session;
    if (!current) {
      try {
        current = await start.mutateAsync({ agentId: agent.agentId, testPanel: true });
        setSession(current);
      } catch (error) {
        chat.setProblem(readAppError(error).message);
        return;
      }
    }
    const sessionId = current.sessionId;
    setDraft("");
    chat.send(content, (handlers) => utils.client.agents.sendMessage.subscribe({ sessionId, content }, handlers));
  };

  const restart = () => {
    chat.reset();
    setSession(null);
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
          <ChatLog bubbles={chat.bubbles} speaker="Agent" />
          <ChatComposer
            label="Send a test message"
            draft={draft}
            onDraftChange={setDraft}
            onSend={() => void send()}
            busy={chat.replying || start.isPending}
            problem={chat.problem}
            actions={
              session && (
                <button type="button" className="secondary" onClick={restart}>
                  New conversation
                </button>
              )
            }
          />
        </>
      )}
    </section>
  );
}
