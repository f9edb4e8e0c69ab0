// The customer's intake: what the vehicle is, what is wrong, and what kind of help they want.
// The browser only checks that nothing is left empty; every other rule (years, lengths) is the
// server's, whose plain-language field errors appear under the same fields.
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { type AppErrorView, readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, optionsOf, RadioGroupField, SelectField, TextAreaField, TextField } from "../pages/form-fields.tsx";
import {
  type Plan,
  planLabels,
  type SessionType,
  sessionTypeLabels,
  type Urgency,
  urgencyLabels,
} from "./request-labels.ts";

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

export function IntakeForm() {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [clientErrors, setClientErrors] = useState<AppErrorView | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const submit = trpc.requests.submit.useMutation({
    onSuccess: (result) => {
      void utils.requests.mine.invalidate();
      void navigate({ to: "/requests/$requestId", params: { requestId: result.requestId } });
    },
  });
  const errors = clientErrors ?? (submit.error ? readAppError(submit.error) : null);
  const fieldErrors = errors?.fieldErrors ?? {};
  // The server's summary names fields by their path ("vehicle.year"); the marks under the
  // fields say it better, so the summary only points at them.
  const marksFields = Object.keys(fieldErrors).some((field) => markedFields.has(field));
  const summary = marksFields ? "Please check the fields marked below." : (errors?.message ?? null);

  // After each failed attempt, put the cursor in the first field that needs attention.
  useEffect(() => {
    if (!clientErrors && !submit.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, textarea, select)')?.focus();
  }, [clientErrors, submit.error]);

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
    submit.mutate({
      vehicle: { make: values.make, model: values.model, year: Number(values.year) },
      concern: values.concern,
      urgency: values.urgency,
      sessionType: values.sessionType,
      plan: values.plan,
    });
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
      <button type="submit" disabled={submit.isPending}>
        {submit.isPending ? "Sending your request…" : "Send request"}
      </button>
    </form>
  );
}
