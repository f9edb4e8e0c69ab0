// Structured coaching sessions: planned with a type and an agenda, started, then completed with
// notes and an outcome (or cancelled). The server refuses a step from the wrong state, in words.
import type { RouterOutputs } from "@switchboard/api";
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, optionsOf, SelectField, TextAreaField, TextField } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";

type CoachingSession = RouterOutputs["coaching"]["sessions"]["list"][number];
type SessionType = CoachingSession["type"];

const typeLabels: Record<SessionType, string> = {
  goal_setting: "Goal setting",
  check_in: "Check-in",
  review: "Review",
  planning: "Planning",
};

const statusLabels: Record<CoachingSession["status"], string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function CoachingSessionsPanel() {
  const sessions = trpc.coaching.sessions.list.useQuery();
  return (
    <section aria-labelledby="coaching-sessions-heading" className="panel">
      <h2 id="coaching-sessions-heading">Coaching sessions</h2>
      <FormError message={sessions.error ? readAppError(sessions.error).message : null} />
      {sessions.isPending && <p className="loading">Loading your sessions…</p>}
      {sessions.data?.length === 0 && <p className="empty-state">No sessions planned.</p>}
      {sessions.data && sessions.data.length > 0 && (
        <ul className="action-item-list" aria-labelledby="coaching-sessions-heading">
          {sessions.data.map((session) => (
            <SessionRow key={session.id} session={session} />
          ))}
        </ul>
      )}
      <NewSessionForm />
    </section>
  );
}

function SessionRow({ session }: { session: CoachingSession }) {
  const utils = trpc.useUtils();
  const changed = () => void utils.coaching.sessions.list.invalidate();
  const start = trpc.coaching.sessions.start.useMutation({ onSuccess: changed });
  const complete = trpc.coaching.sessions.complete.useMutation({ onSuccess: changed });
  const cancel = trpc.coaching.sessions.cancel.useMutation({ onSuccess: changed });
  const [outcome, setOutcome] = useState("");
  const problem = start.error ?? complete.error ?? cancel.error;
  const when = session.startedAt ?? session.scheduledAt ?? session.createdAt;
  const open = session.status === "scheduled" || session.status === "in_progress";
  const label = `${typeLabels[session.type]}, ${statusLabels[session.status]}`;
  return (
    <li className="action-item" data-status={session.status} aria-label={label}>
      <span className="action-item-title">{typeLabels[session.type]}</span>
      <span className="action-item-meta">
        {statusLabels[session.status]} · {formatTime(when)}
        {session.agenda && ` · ${session.agenda}`}
        {session.outcome && ` · Outcome: ${session.outcome}`}
      </span>
      {session.status === "scheduled" && (
        <button type="button" className="secondary" onClick={() => start.mutate({ sessionId: session.id })}>
          Start
        </button>
      )}
      {session.status === "in_progress" && (
        <form
          className="goal-controls"
          aria-label={`Complete the ${typeLabels[session.type]} session`}
          onSubmit={(event) => {
            event.preventDefault();
            complete.mutate({ sessionId: session.id, ...(outcome.trim() ? { outcome: outcome.trim() } : {}) });
          }}
        >
          <TextField
            label="Outcome"
            name="outcome"
            value={outcome}
            onChange={(event) => setOutcome(event.target.value)}
          />
          <button type="submit" className="secondary" disabled={complete.isPending}>
            Complete
          </button>
        </form>
      )}
      {open && (
        <button type="button" className="secondary" onClick={() => cancel.mutate({ sessionId: session.id })}>
          Cancel session
        </button>
      )}
      <FormError message={problem ? readAppError(problem).message : null} />
    </li>
  );
}

function NewSessionForm() {
  const utils = trpc.useUtils();
  const [key, setKey] = useState(0);
  const create = trpc.coaching.sessions.create.useMutation({
    onSuccess: () => {
      setKey((k) => k + 1);
      void utils.coaching.sessions.list.invalidate();
    },
  });
  const fieldErrors = create.error ? readAppError(create.error).fieldErrors : {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const scheduledAt = String(data.get("scheduledAt") ?? "");
    create.mutate({
      type: String(data.get("type")) as SessionType,
      agenda: String(data.get("agenda") ?? ""),
      ...(scheduledAt ? { scheduledAt: new Date(scheduledAt).toISOString() } : {}),
    });
  };
  return (
    <form key={key} className="new-goal-form" onSubmit={submit} aria-label="Plan a coaching session" noValidate>
      <h3>Plan a session</h3>
      <div className="field-row">
        <SelectField
          label="Session type"
          name="type"
          defaultValue="check_in"
          options={optionsOf(typeLabels)}
          errors={fieldErrors.type}
        />
        <TextField label="When" name="scheduledAt" type="datetime-local" errors={fieldErrors.scheduledAt} />
      </div>
      <TextAreaField label="Agenda" name="agenda" rows={2} errors={fieldErrors.agenda} />
      {Object.keys(fieldErrors).length === 0 && (
        <FormError message={create.error ? readAppError(create.error).message : null} />
      )}
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? "Planning…" : "Plan session"}
      </button>
    </form>
  );
}
