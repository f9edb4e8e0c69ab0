// One conversation with the coach at /coaching/conversations/<id>: what was said before, then
// each new reply streaming in as the coach writes it.

import type { RouterOutputs } from "@switchboard/api";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { trpc } from "../api/trpc.ts";
import { ChatComposer, ChatLog } from "../chat/chat-log.tsx";
import { type ChatBubble, useStreamedChat } from "../chat/streamed-chat.ts";
import { AiOffNotice, useServerCapabilities } from "../pages/ai-off-notice.tsx";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { ActionItemsPanel } from "./action-items-panel.tsx";
import { conversationTypeLabels } from "./coaching-labels.ts";
import "./coaching.css";

type Conversation = RouterOutputs["coaching"]["conversations"]["get"];

const back = { to: "/coaching", label: "Back to coaching" } as const;

export function ConversationPage({ conversationId }: { conversationId: string }) {
  // Read once per visit: the page keeps the turns it adds itself, so a refetch while it is open
  // would show them twice; dropped when the page closes, so the next visit reads them all.
  const conversation = trpc.coaching.conversations.get.useQuery(
    { conversationId },
    { staleTime: Number.POSITIVE_INFINITY, gcTime: 0, refetchOnWindowFocus: false },
  );
  return (
    <LoadedPage
      query={conversation}
      title="Conversation"
      loading="Loading the conversation…"
      notFound="We couldn't find that conversation."
      back={back}
    >
      {(view) => <ConversationView conversation={view} />}
    </LoadedPage>
  );
}

function historyBubbles(conversation: Conversation): ChatBubble[] {
  return conversation.messages
    .filter((message) => message.role !== "system" && message.content)
    .map((message) => ({
      key: message.id,
      role: message.role === "assistant" ? "assistant" : "user",
      text: message.status === "complete" ? message.content : `${message.content} (cut short)`,
    }));
}

function ConversationView({ conversation }: { conversation: Conversation }) {
  useDocumentTitle(conversation.title);
  const utils = trpc.useUtils();
  const [history] = useState(() => historyBubbles(conversation));
  const [draft, setDraft] = useState("");
  const aiOff = useServerCapabilities()?.aiReplies === false;
  const chat = useStreamedChat({
    onNotSent: setDraft,
    onReplyEnded: () => void utils.coaching.conversations.list.invalidate(),
  });

  const send = () => {
    const content = draft.trim();
    setDraft("");
    chat.send(content, (handlers) =>
      utils.client.coaching.send.subscribe({ conversationId: conversation.id, content }, handlers),
    );
  };

  return (
    <section aria-labelledby="page-heading" className="coaching-conversation">
      <p className="back-link">
        <Link to={back.to} activeOptions={{ exact: true }}>
          {back.label}
        </Link>
      </p>
      <h1 id="page-heading">{conversation.title}</h1>
      <p className="lead">{conversationTypeLabels[conversation.sessionType]} with your coach.</p>
      <section aria-labelledby="chat-heading" className="panel">
        <h2 id="chat-heading" className="visually-hidden">
          Chat
        </h2>
        {history.length === 0 && chat.bubbles.length === 0 && (
          <p className="empty-state">Say hello, or tell your coach what's on your mind.</p>
        )}
        <ChatLog bubbles={[...history, ...chat.bubbles]} speaker="Coach" />
        {aiOff && (
          <AiOffNotice>
            Your coach can't answer here, so sending is switched off. You can still read this conversation and work on
            its action items.
          </AiOffNotice>
        )}
        <ChatComposer
          label="Message your coach"
          draft={draft}
          onDraftChange={setDraft}
          onSend={send}
          busy={chat.replying}
          problem={chat.problem}
          unavailable={aiOff}
        />
      </section>
      <ActionItemsPanel conversationId={conversation.id} />
    </section>
  );
}
