// Action items: what the coach and the person agreed to do, extracted from conversations (they
// appear live, highlighted) or added by hand; each can be completed, reopened or deleted.
import { Link } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, TextField } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { formatDay } from "./coaching-labels.ts";
import { type ActionItem, useCoachingLive } from "./coaching-live.ts";

/** With a conversation id: only the items that came from that conversation, and no form. */
export function ActionItemsPanel({ conversationId }: { conversationId?: string }) {
  const { items, arrived, liveProblem } = useCoachingLive();
  const shown = (items.data?.items ?? []).filter((item) => !conversationId || item.conversationId === conversationId);
  const heading = conversationId ? "Action items from this conversation" : "Action items";
  return (
    <section aria-labelledby="action-items-heading" className="panel">
      <h2 id="action-items-heading">{heading}</h2>
      <LiveUpdatesAlert problem={liveProblem} />
      <FormError message={items.error ? readAppError(items.error).message : null} />
      {items.isPending && <p className="loading">Loading action items…</p>}
      {items.data && shown.length === 0 && (
        <p className="empty-state">
          {conversationId
            ? "None yet. When you and your coach agree on a next step, it appears here."
            : "No action items yet."}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="action-item-list" aria-labelledby="action-items-heading">
          {shown.map((item) => (
            <ActionItemRow key={item.id} item={item} isNew={arrived.has(item.id)} linkConversation={!conversationId} />
          ))}
        </ul>
      )}
      {!conversationId && <NewActionItemForm />}
    </section>
  );
}

function ActionItemRow({
  item,
  isNew,
  linkConversation,
}: {
  item: ActionItem;
  isNew: boolean;
  linkConversation: boolean;
}) {
  const utils = trpc.useUtils();
  const [editing, setEditing] = useState(false);
  const changed = () => void utils.coaching.actionItems.list.invalidate();
  const complete = trpc.coaching.actionItems.complete.useMutation({ onSuccess: changed });
  const reopen = trpc.coaching.actionItems.reopen.useMutation({ onSuccess: changed });
  const remove = trpc.coaching.actionItems.delete.useMutation({ onSuccess: changed });
  const problem = complete.error ?? reopen.error ?? remove.error;
  const done = item.status === "done";
  if (editing) {
    return (
      <li className="action-item" data-status={item.status} aria-label={item.title}>
        <EditActionItemForm item={item} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className={`action-item${isNew ? " is-new" : ""}`} data-status={item.status} aria-label={item.title}>
      <span className="action-item-title">{item.title}</span>
      <span className="action-item-meta">
        {item.dueDate ? `Due ${formatDay(item.dueDate)}` : "No due date"}
        {item.goalTitle && ` · for “${item.goalTitle}”`}
        {linkConversation && item.conversationId && (
          <>
            {" · "}
            <Link to="/coaching/conversations/$conversationId" params={{ conversationId: item.conversationId }}>
              from a conversation
            </Link>
          </>
        )}
        {isNew && " · new"}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={complete.isPending || reopen.isPending}
        onClick={() => (done ? reopen : complete).mutate({ actionItemId: item.id })}
      >
        {done ? "Reopen" : "Mark done"}
      </button>
      <button type="button" className="secondary" onClick={() => setEditing(true)}>
        Edit
      </button>
      <button
        type="button"
        className="secondary"
        disabled={remove.isPending}
        onClick={() => remove.mutate({ actionItemId: item.id })}
      >
        Delete
      </button>
      <FormError message={problem ? readAppError(problem).message : null} />
    </li>
  );
}

function EditActionItemForm({ item, onDone }: { item: ActionItem; onDone: () => void }) {
  const utils = trpc.useUtils();
  const update = trpc.coaching.actionItems.update.useMutation({
    onSuccess: () => {
      void utils.coaching.actionItems.list.invalidate();
      onDone();
    },
  });
  const fieldErrors = update.error ? readAppError(update.error).fieldErrors : {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const dueDate = String(data.get("dueDate") ?? "");
    update.mutate({ actionItemId: item.id, title: String(data.get("title") ?? ""), dueDate: dueDate || null });
  };
  return (
    <form className="goal-controls" onSubmit={submit} aria-label={`Edit ${item.title}`} noValidate>
      <TextField label="Action item" name="title" defaultValue={item.title} required errors={fieldErrors.title} />
      <TextField
        label="Due date"
        name="dueDate"
        type="date"
        defaultValue={item.dueDate ?? ""}
        errors={fieldErrors.dueDate}
      />
      <button type="submit" disabled={update.isPending}>
        Save
      </button>
      <button type="button" className="secondary" onClick={onDone}>
        Cancel
      </button>
      {Object.keys(fieldErrors).length === 0 && (
        <FormError message={update.error ? readAppError(update.error).message : null} />
      )}
    </form>
  );
}

function NewActionItemForm() {
  const utils = trpc.useUtils();
  const [key, setKey] = useState(0);
  const create = trpc.coaching.actionItems.create.useMutation({
    onSuccess: () => {
      setKey((k) => k + 1);
      void utils.coaching.actionItems.list.invalidate();
    },
  });
  const fieldErrors = create.error ? readAppError(create.error).fieldErrors : {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const dueDate = String(data.get("dueDate") ?? "");
    create.mutate({ title: String(data.get("title") ?? ""), dueDate: dueDate || null });
  };
  return (
    <form key={key} className="new-action-item-form" onSubmit={submit} aria-label="Add an action item" noValidate>
      <div className="field-row">
        <TextField label="Action item" name="title" required errors={fieldErrors.title} />
        <TextField label="Due date" name="dueDate" type="date" errors={fieldErrors.dueDate} />
      </div>
      {Object.keys(fieldErrors).length === 0 && (
        <FormError message={create.error ? readAppError(create.error).message : null} />
      )}
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add action item"}
      </button>
    </form>
  );
}
