// The end of a session: the mechanic's wrap-up (diagnosis, recommended next steps, an optional
// estimate in dollars) that completes it, what it says once written, and the customer's rating
// (1–5 stars and a comment) of a completed session.
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, RadioGroupField, TextAreaField, TextField } from "../pages/form-fields.tsx";
import { estimateCentsOf, formatCents } from "./chat-state.ts";
import { formatTime, type SessionView, starsLabel } from "./session-labels.ts";

const TEXT_MAX = 4000;
const COMMENT_MAX = 1000;

function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

export function WrapUpForm({ sessionId, onDone }: { sessionId: string; onDone: () => void }) {
  const complete = trpc.sessions.complete.useMutation({ onSuccess: onDone });
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const serverErrors = complete.error ? readAppError(complete.error) : null;
  const fieldErrors = { ...serverErrors?.fieldErrors, ...problems };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const diagnosis = formText(form, "diagnosis");
    const nextSteps = formText(form, "nextSteps");
    const estimate = estimateCentsOf(formText(form, "estimate"));
    const found: Record<string, string[]> = {};
    if (!diagnosis) found.diagnosis = ["Write what you found."];
    else if (diagnosis.length > TEXT_MAX) found.diagnosis = ["The diagnosis can be at most 4,000 characters."];
    if (!nextSteps) found.nextSteps = ["Write what the customer should do next."];
    else if (nextSteps.length > TEXT_MAX) found.nextSteps = ["The next steps can be at most 4,000 characters."];
    if ("problem" in estimate) found.estimateCents = [estimate.problem];
    setProblems(found);
    if (Object.keys(found).length > 0 || "problem" in estimate) return;
    complete.mutate({ sessionId, diagnosis, nextSteps, estimateCents: estimate.cents });
  };

  return (
    <section aria-labelledby="wrap-up-heading" className="panel">
      <h2 id="wrap-up-heading">Wrap up the session</h2>
      <p className="hint">The customer sees this as soon as you complete the session, and the chat closes.</p>
      <form className="wrap-up-form" onSubmit={submit} noValidate>
        <FormError
          message={serverErrors && Object.keys(serverErrors.fieldErrors).length === 0 ? serverErrors.message : null}
        />
        <TextAreaField
          label="Diagnosis"
          name="diagnosis"
          rows={3}
          maxLength={TEXT_MAX}
          errors={fieldErrors.diagnosis}
        />
        <TextAreaField
          label="Recommended next steps"
          name="nextSteps"
          rows={3}
          maxLength={TEXT_MAX}
          errors={fieldErrors.nextSteps}
        />
        <TextField
          label="Estimate in dollars (optional)"
          name="estimate"
          inputMode="decimal"
          autoComplete="off"
          hint="For example 120 or 120.50. Leave it empty if you can't say yet."
          errors={fieldErrors.estimateCents}
        />
        <div className="form-actions">
          <button type="submit" disabled={complete.isPending}>
            {complete.isPending ? "Completing…" : "Complete session"}
          </button>
        </div>
      </form>
    </section>
  );
}

export function WrapUpView({
  wrapUp,
  viewer,
}: {
  wrapUp: NonNullable<SessionView["wrapUp"]>;
  viewer: "customer" | "mechanic";
}) {
  return (
    <section aria-labelledby="wrap-up-heading" className="panel">
      <h2 id="wrap-up-heading">{viewer === "customer" ? "Your mechanic's wrap-up" : "Your wrap-up"}</h2>
      <dl className="facts">
        <dt>Diagnosis</dt>
        <dd className="long-text">{wrapUp.diagnosis}</dd>
        <dt>Next steps</dt>
        <dd className="long-text">{wrapUp.nextSteps}</dd>
        <dt>Estimate</dt>
        <dd>{wrapUp.estimateCents === null ? "No estimate given" : formatCents(wrapUp.estimateCents)}</dd>
      </dl>
    </section>
  );
}

const ratingOptions = [5, 4, 3, 2, 1].map((value) => ({ value: String(value), label: starsLabel(value) }));

export function RatingForm({ sessionId, onDone }: { sessionId: string; onDone: () => void }) {
  const rate = trpc.sessions.rate.useMutation({ onSuccess: onDone });
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const serverErrors = rate.error ? readAppError(rate.error) : null;
  const fieldErrors = { ...serverErrors?.fieldErrors, ...problems };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const rating = Number(formText(form, "rating"));
    const comment = formText(form, "comment");
    const found: Record<string, string[]> = {};
    if (!(rating >= 1 && rating <= 5)) found.rating = ["Choose from 1 to 5 stars."];
    if (comment.length > COMMENT_MAX) found.comment = ["A comment can be at most 1,000 characters."];
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    rate.mutate({ sessionId, rating, ...(comment ? { comment } : {}) });
  };

  return (
    <section aria-labelledby="rating-heading" className="panel">
      <h2 id="rating-heading">Rate this session</h2>
      <form className="rating-form" onSubmit={submit} noValidate>
        <FormError
          message={serverErrors && Object.keys(serverErrors.fieldErrors).length === 0 ? serverErrors.message : null}
        />
        <RadioGroupField legend="Your rating" name="rating" options={ratingOptions} errors={fieldErrors.rating} />
        <TextAreaField
          label="Comment (optional)"
          name="comment"
          rows={2}
          maxLength={COMMENT_MAX}
          errors={fieldErrors.comment}
        />
        <div className="form-actions">
          <button type="submit" disabled={rate.isPending}>
            {rate.isPending ? "Sending…" : "Send rating"}
          </button>
        </div>
      </form>
    </section>
  );
}

export function RatingView({
  rating,
  viewer,
}: {
  rating: NonNullable<SessionView["rating"]>;
  viewer: "customer" | "mechanic";
}) {
  return (
    <section aria-labelledby="rating-heading" className="panel">
      <h2 id="rating-heading">{viewer === "customer" ? "Your rating" : "The customer's rating"}</h2>
      <p>
        <strong>{rating.rating} out of 5 stars</strong>,{" "}
        <time dateTime={rating.ratedAt.toISOString()}>{formatTime(rating.ratedAt)}</time>
      </p>
      {rating.comment && <p className="long-text">{rating.comment}</p>}
    </section>
  );
}
