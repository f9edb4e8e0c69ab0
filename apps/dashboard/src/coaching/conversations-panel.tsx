// The person's conversations with the coach, most recently active first, and the way to start one.
import { Link, useNavigate } from "@tanstack/react-router";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, optionsOf, SelectField } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";
import { PersonalList } from "../pages/personal-list.tsx";
import { type ConversationType, conversationTypeLabels } from "./coaching-labels.ts";
import { useLiveConversations } from "./coaching-live.ts";

export function ConversationsPanel() {
  const conversations = useLiveConversations();
  return (
    <PersonalList
      id="conversations-heading"
      heading="Conversations"
      query={conversations}
      loading="Loading your conversations…"
      empty="No conversations yet. Start one below."
      keyOf={(conversation) => conversation.id}
      statusOf={(conversation) => conversation.sessionType}
      footer={<NewConversationForm />}
    >
      {(conversation) => (
        <>
          <Link to="/coaching/conversations/$conversationId" params={{ conversationId: conversation.id }}>
            {conversation.title}
          </Link>
          <span className="request-status">
            {conversationTypeLabels[conversation.sessionType]} · {conversation._count.messages} messages
          </span>
          <time dateTime={conversation.updatedAt.toISOString()}>{formatTime(conversation.updatedAt)}</time>
        </>
      )}
    </PersonalList>
  );
}

function NewConversationForm() {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const create = trpc.coaching.conversations.create.useMutation({
    onSuccess: (conversation) => {
      void utils.coaching.conversations.list.invalidate();
      void navigate({ to: "/coaching/conversations/$conversationId", params: { conversationId: conversation.id } });
    },
  });
  return (
    <form
      className="new-conversation-form"
      aria-label="Start a conversation"
      onSubmit={(event) => {
        event.preventDefault();
        const sessionType = String(new FormData(event.currentTarget).get("sessionType")) as ConversationType;
        create.mutate({ sessionType, title: `${conversationTypeLabels[sessionType]} — ${formatTime(new Date())}` });
      }}
    >
      <SelectField
        label="Kind of conversation"
        name="sessionType"
        defaultValue="chat"
        options={optionsOf(conversationTypeLabels)}
      />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? "Starting…" : "Start a conversation"}
      </button>
      <FormError message={create.error ? readAppError(create.error).message : null} />
    </form>
  );
}
