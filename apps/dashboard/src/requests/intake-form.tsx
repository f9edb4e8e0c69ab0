// The customer's intake: what the vehicle is, what is wrong, and what kind of help they want.
// The browser only checks that nothing is left empty; every other rule (years, lengths) is the
// server's, whose plain-language field errors appear under the same fields. A customer whose
// request is still waiting for a mechanic is told before sending that this one replaces it, and
// asked to confirm; so is one whose waiting request the page did not know of yet (the server's
// REQUEST_PENDING_EXISTS). Only a confirmed intake is sent with replacePending.
import type { RouterInputs } from "@switchboard/api";
import { Link, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { type AppErrorView, readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { ConfirmDialog } from "../pages/confirm-dialog.tsx";
import { FormError, optionsOf, RadioGroupField, SelectField, TextAreaField, TextField } from "../pages/form-fields.tsx";
import type { RecentRequest } from "./recent-requests.tsx";
import {
  type Plan,
  planLabels,
  type SessionType,
  sessionTypeLabels,
  type Urgency,
  urgencyLabels,
} from "./request-labels.ts";

type IntakeInput = RouterInputs["requests"]["submit"];

const WAITING_NOTE = "You already have a request waiting for a mechanic. Sending this one replaces it.";

const requiredMessages = {
  "vehicle.make": "Enter the make of your vehicle.",
  "vehicle.model": "Enter the model of your vehicle.",
  "vehicle.year": "Enter the year of your vehicle.",
  concern: "Describe the problem.",
} as const;

/** The fields this form shows errors under (the server's field paths). */
const markedFields = new Set([
  "vehicle.make",
  "vehicle.model",
  "vehicle.year",
  "concern",
  "urgency",
  "sessionType",
  "plan",
]);

interface IntakeValues {
  make: string;
  model: string;
  year: string;
  concern: string;
  urgency: Urgency;
  sessionType: SessionType;
  plan: Plan;
}

function readValues(form: HTMLFormElement): IntakeValues {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "");
  return {
    make: text("make"),
    model: text("model"),
    year: text("year"),
    concern: text("concern"),
    urgency: text("urgency") as Urgency,
    sessionType: text("sessionType") as SessionType,
    plan: text("plan") as Plan,
  };
}

function missingFields(values: IntakeValues): Record<string, string[]> {
  const present: Record<keyof typeof requiredMessages, string> = {
    "vehicle.make": values.make,
    "vehicle.model": values.model,
    "vehicle.year": values.year,
    concern: values.concern,
  };
  const errors: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(present)) {
    if (!value.trim()) errors[field] = [requiredMessages[field as keyof typeof requiredMessages]];
  }
  return errors;
}

/** Whether a failure belongs under the fields (the form shows it) rather than in the dialog. */
function isFieldFailure(error: unknown): boolean {
  return Object.keys(readAppError(error).fieldErrors).some((field) => markedFields.has(field));
}

export function IntakeForm({ waiting }: { waiting: RecentRequest | null }) {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [clientErrors, setClientErrors] = useState<AppErrorView | null>(null);
  /** The intake waiting for the customer's yes to replace their waiting request. */
  const [confirming, setConfirming] = useState<IntakeInput | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const sendButton = useRef<HTMLButtonElement>(null);
  const noteId = useId();
  const submit = trpc.requests.submit.useMutation({
    onSuccess: (result) => {
      void utils.requests.mine.invalidate();
      void navigate({ to: "/requests/$requestId", params: { requestId: result.requestId } });
    },
    onError: (error, input) => {
      // One is waiting after all (sent from another tab, or just now): ask, as if we had known.
      if (readAppError(error).appCode === "REQUEST_PENDING_EXISTS") setConfirming({ ...input, replacePending: true });
    },
  });
  // The dialog shows its own failures; a "one is waiting" answer is what the dialog asks about.
  const submitError =
    submit.error && !confirming && readAppError(submit.error).appCode !== "REQUEST_PENDING_EXISTS"
      ? readAppError(submit.error)
      : null;
  const errors = clientErrors ?? submitError;
  const fieldErrors = errors?.fieldErrors ?? {};
  // The server's summary names fields by their path ("vehicle.year"); the marks under the
  // fields say it better, so the summary only points at them.
  const marksFields = Object.keys(fieldErrors).some((field) => markedFields.has(field));
  const summary = marksFields ? "Please check the fields marked below." : (errors?.message ?? null);

  // After each failed attempt, put the cursor in the first field that needs attention.
  useEffect(() => {
    if (!clientErrors && !submitError) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, textarea, select)')?.focus();
  }, [clientErrors, submitError]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = readValues(form);
    const missing = missingFields(values);
    if (Object.keys(missing).length > 0) {
      submit.reset();
      setClientErrors({ message: "Please check the fields marked below.", appCode: null, fieldErrors: missing });
      return;
    }
    setClientErrors(null);
    const input: IntakeInput = {
      vehicle: { make: values.make, model: values.model, year: Number(values.year) },
      concern: values.concern,
      urgency: values.urgency,
      sessionType: values.sessionType,
      plan: values.plan,
    };
    if (waiting) {
      submit.reset();
      setConfirming({ ...input, replacePending: true });
      return;
    }
    submit.mutate(input);
  };

  // Confirmed: sent to replace. A field the server refuses is shown under it (the dialog closes);
  // anything else stays in the dialog, which can be tried again.
  const replace = async (input: IntakeInput) => {
    try {
      await submit.mutateAsync(input);
    } catch (error) {
      if (!isFieldFailure(error)) throw error;
    }
  };

  return (
    <form ref={formRef} className="intake-form" onSubmit={onSubmit} noValidate aria-busy={submit.isPending}>
      <FormError message={summary} />
      <fieldset className="field-row">
        <legend>Your vehicle</legend>
        <TextField label="Make" name="make" autoComplete="off" required errors={fieldErrors["vehicle.make"]} />
        <TextField label="Model" name="model" autoComplete="off" required errors={fieldErrors["vehicle.model"]} />
        <TextField
          label="Year"
          name="year"
          type="number"
          inputMode="numeric"
          required
          errors={fieldErrors["vehicle.year"]}
        />
      </fieldset>
      <TextAreaField
        label="What's wrong?"
        name="concern"
        rows={4}
        required
        hint="What you notice, when it happens, and anything you've already tried."
        errors={fieldErrors.concern}
      />
      <SelectField
        label="Urgency"
        name="urgency"
        defaultValue="normal"
        options={optionsOf(urgencyLabels)}
        errors={fieldErrors.urgency}
      />
      <RadioGroupField
        legend="Session type"
        name="sessionType"
        defaultValue="chat"
        options={optionsOf(sessionTypeLabels)}
        errors={fieldErrors.sessionType}
      />
      <RadioGroupField
        legend="Plan"
        name="plan"
        defaultValue="standard"
        options={optionsOf(planLabels)}
        errors={fieldErrors.plan}
      />
      {waiting && (
        <p className="replace-note" id={noteId}>
          {WAITING_NOTE}{" "}
          <Link to="/requests/$requestId" params={{ requestId: waiting.requestId }}>
            See your waiting request
          </Link>
        </p>
      )}
      <button
        ref={sendButton}
        type="submit"
        disabled={submit.isPending}
        aria-describedby={waiting ? noteId : undefined}
      >
        {submit.isPending ? "Sending your request…" : "Send request"}
      </button>
      <ConfirmDialog
        open={confirming !== null}
        onOpenChange={(open) => {
          if (!open) setConfirming(null);
        }}
        returnFocus={sendButton}
        title="Replace your waiting request?"
        description={
          waiting
            ? `${WAITING_NOTE} Mechanics stop seeing your ${waiting.vehicle} request.`
            : `${WAITING_NOTE} Mechanics stop seeing the older one.`
        }
        confirmLabel="Send and replace it"
        pendingLabel="Sending your request…"
        cancelLabel="Keep the waiting one"
        onConfirm={() => (confirming ? replace(confirming) : Promise.resolve())}
      />
    </form>
  );
}
