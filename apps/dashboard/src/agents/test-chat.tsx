// The test panel: a real conversation with the published version, as a visitor would have it.
// The session starts with the first message; each reply streams in (chat/streamed-chat.ts).
import { useState } from "react";
import { trpc } from "../api/trpc.ts";
import { ChatComposer, ChatLog } from "../chat/chat-log.tsx";
import { useStreamedChat } from "../chat/streamed-chat.ts";
import { AiOffNotice, useServerCapabilities } from "../pages/ai-off-notice.tsx";
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
  const chat = useStreamedChat({ onNotSent: setDraft });

  const published = agent.publishedVersionId !== null;
  const publishedVersion = agent.versions.find((version) => version.id === agent.publishedVersionId);
  // An agent on the organization's own AI endpoint answers with the server's AI off; the rest can't.
  const aiOff = useServerCapabilities()?.aiReplies === false && publishedVersion?.usesOwnEndpoint !== true;

  const send = async () => {
    const content = draft.trim();
    let current = session;
    if (!current) {
      try {
        current = await start.mutateAsync({ agentId: agent.agentId, testPanel: true });
        setSession(current);
      } catch (error) {
        chat.showError(error);
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
          {aiOff && (
            <AiOffNotice>
              This agent uses the server's AI, so it can't answer, here or on your website. Editing, publishing and past
              conversations still work, and an agent set to your own OpenAI-compatible server answers as usual.
            </AiOffNotice>
          )}
          <ChatComposer
            label="Send a test message"
            draft={draft}
            onDraftChange={setDraft}
            onSend={() => void send()}
            busy={chat.replying || start.isPending}
            problem={chat.problem}
            unavailable={aiOff}
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
