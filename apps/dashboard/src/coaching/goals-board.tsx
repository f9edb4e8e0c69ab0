// The goals board: a column per status, each goal with its progress; a goal moves between
// columns when its status changes. New goals start active.
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, optionsOf, SelectField, TextField } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { formatDay, type Goal, type GoalStatus, goalCategoryLabels, goalStatusLabels } from "./coaching-labels.ts";
import { useLiveGoals } from "./coaching-live.ts";

const columns: readonly GoalStatus[] = ["active", "paused", "completed", "abandoned"];

export function GoalsBoard() {
  const goals = useLiveGoals();
  return (
    <section aria-labelledby="goals-heading" className="panel">
      <h2 id="goals-heading">Goals</h2>
      <FormError message={goals.error ? readAppError(goals.error).message : null} />
      <LiveUpdatesAlert problem={goals.liveProblem} />
      {goals.isPending && <p className="loading">Loading your goals…</p>}
      {goals.data && (
        <div className="goal-columns">
          {columns.map((status) => {
            const inColumn = (goals.data ?? []).filter((goal) => goal.status === status);
            if (status === "abandoned" && inColumn.length === 0) return null;
            return (
              <section key={status} aria-label={`${goalStatusLabels[status]} goals`} className="goal-column">
                <h3>
                  {goalStatusLabels[status]} <span className="count">({inColumn.length})</span>
                </h3>
                {inColumn.length === 0 ? (
                  <p className="empty-state">None.</p>
                ) : (
                  <ul className="goal-list">
                    {inColumn.map((goal) => (
                      <GoalCard key={goal.id} goal={goal} />
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      <NewGoalForm />
    </section>
  );
}

function GoalCard({ goal }: { goal: Goal }) {
  const utils = trpc.useUtils();
  const [progress, setProgress] = useState(String(goal.progress));
  const changed = () => void utils.coaching.goals.invalidate();
  const update = trpc.coaching.goals.update.useMutation({ onSuccess: changed });
  const remove = trpc.coaching.goals.delete.useMutation({ onSuccess: changed });
  const problem = update.error ?? remove.error;
  const progressErrors = update.error ? readAppError(update.error).fieldErrors.progress : undefined;

  const saveProgress = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({ goalId: goal.id, progress: Number(progress) });
  };

  return (
    <li className="goal-card" aria-label={goal.title}>
      <p className="goal-title">{goal.title}</p>
      <p className="goal-meta">
        {goalCategoryLabels[goal.category]}
        {goal.targetDate && ` · by ${formatDay(goal.targetDate)}`}
      </p>
      <meter className="goal-progress" min={0} max={100} value={goal.progress} aria-label="Progress">
        {goal.progress}%
      </meter>
      <span className="goal-percent">{goal.progress}% done</span>
      <form className="goal-controls" onSubmit={saveProgress} aria-label={`Update ${goal.title}`}>
        <TextField
          label="Progress (%)"
          name="progress"
          type="number"
          min={0}
          max={100}
          value={progress}
          onChange={(event) => setProgress(event.target.value)}
          errors={progressErrors}
        />
        <button type="submit" className="secondary" disabled={update.isPending}>
          Save progress
        </button>
        <SelectField
          label="Status"
          name="status"
          value={goal.status}
          onChange={(event) => update.mutate({ goalId: goal.id, status: event.target.value as GoalStatus })}
          options={optionsOf(goalStatusLabels)}
        />
        <button
          type="button"
          className="secondary"
          onClick={() => remove.mutate({ goalId: goal.id })}
          disabled={remove.isPending}
        >
          Delete
        </button>
      </form>
      {!progressErrors && <FormError message={problem ? readAppError(problem).message : null} />}
    </li>
  );
}

function NewGoalForm() {
  const utils = trpc.useUtils();
  const create = trpc.coaching.goals.create.useMutation({
    onSuccess: () => void utils.coaching.goals.invalidate(),
  });
  const fieldErrors = create.error ? readAppError(create.error).fieldErrors : {};

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const targetDate = String(data.get("targetDate") ?? "");
    create.mutate(
      {
        title: String(data.get("title") ?? ""),
        category: String(data.get("category")) as Goal["category"],
        targetDate: targetDate || null,
      },
      { onSuccess: () => form.reset() },
    );
  };

  return (
    <form className="new-goal-form" onSubmit={submit} aria-label="Add a goal" noValidate>
      <h3>Add a goal</h3>
      <div className="field-row">
        <TextField label="Goal" name="title" required errors={fieldErrors.title} />
        <SelectField
          label="Category"
          name="category"
          defaultValue="business"
          options={optionsOf(goalCategoryLabels)}
          errors={fieldErrors.category}
        />
        <TextField label="Target date" name="targetDate" type="date" errors={fieldErrors.targetDate} />
      </div>
      {Object.keys(fieldErrors).length === 0 && (
        <FormError message={create.error ? readAppError(create.error).message : null} />
      )}
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add goal"}
      </button>
    </form>
  );
}
