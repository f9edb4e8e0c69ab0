// The agent editor: every setting of the agent's latest version. The browser checks nothing
// itself; the server's plain-language field errors appear under the fields they concern.
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import type { AppErrorView } from "../api/app-error.ts";
import { FormError, optionsOf, SelectField, TextAreaField, TextField } from "../pages/form-fields.tsx";
import { type AgentFormValues, errorsFor, providerLabels } from "./agent-labels.ts";

interface AgentFormProps {
  initialValues: AgentFormValues;
  /** Disables the form for members who may only read. */
  readOnly: boolean;
  submitLabel: string;
  pending: boolean;
  error: AppErrorView | null;
  onSubmit(values: AgentFormValues): void;
  /** Extra buttons next to the submit button (Publish). */
  actions?: ReactNode;
}

export function AgentForm({ initialValues, readOnly, submitLabel, pending, error, onSubmit, actions }: AgentFormProps) {
  const [values, setValues] = useState(initialValues);
  const formRef = useRef<HTMLFormElement>(null);
  const fieldErrors = error?.fieldErrors ?? {};
  const field = <K extends Exclude<keyof AgentFormValues, "clearLlmApiKey" | "savedKeyFingerprint">>(name: K) => ({
    name,
    value: values[name],
    errors: errorsFor(fieldErrors, name),
    disabled: readOnly,
    onChange: (event: { target: { value: string } }) =>
      setValues((current) => ({ ...current, [name]: event.target.value })),
  });
  const marksFields = Object.keys(fieldErrors).some((key) => key.startsWith("config."));
  const summary = marksFields ? "Please check the fields marked below." : (error?.message ?? null);

  // After a save went through, the typed key is gone from the page (the saved one shows as its
  // fingerprint), so a secret never lingers in the form.
  const wasPending = useRef(false);
  useEffect(() => {
    if (wasPending.current && !pending && !error) {
      setValues((current) => ({ ...current, llmApiKey: "", clearLlmApiKey: false }));
    }
    wasPending.current = pending;
  }, [pending, error]);
  const savedKey = initialValues.savedKeyFingerprint;

  // After a refused save, put the cursor in the first field that needs attention.
  useEffect(() => {
    if (!error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, textarea, select)')?.focus();
  }, [error]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(values);
  };

  return (
    <form
      ref={formRef}
      className="agent-form"
      onSubmit={submit}
      noValidate
      aria-busy={pending}
      aria-label="Agent settings"
    >
      <FormError message={summary} />
      <TextField label="Name" {...field("name")} autoComplete="off" />
      <TextField label="Description" {...field("description")} autoComplete="off" />
      <div className="field-pair">
        <SelectField label="Provider" {...field("llmProvider")} options={optionsOf(providerLabels)} />
        <TextField label="Model" {...field("model")} autoComplete="off" />
      </div>
      {values.llmProvider === "openai_compatible" && (
        <TextField
          label="Base URL"
          {...field("llmBaseUrl")}
          type="url"
          hint="The OpenAI-compatible server's API address, e.g. https://llm.example.com/v1."
        />
      )}
      {values.llmProvider === "openai_compatible" && (
        <>
          <TextField
            label="API key"
            {...field("llmApiKey")}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            disabled={readOnly || values.clearLlmApiKey}
            hint={
              savedKey !== null
                ? `A key is saved (fingerprint ${savedKey}). Leave empty to keep the saved key.`
                : "Your server's key, if it needs one. It is stored encrypted and never shown again."
            }
          />
          {savedKey !== null && (
            <label className="checkbox-field">
              <input
                type="checkbox"
                name="clearLlmApiKey"
                checked={values.clearLlmApiKey}
                disabled={readOnly}
                onChange={(event) => {
                  const clear = event.target.checked;
                  setValues((current) => ({
                    ...current,
                    clearLlmApiKey: clear,
                    llmApiKey: clear ? "" : current.llmApiKey,
                  }));
                }}
              />
              Remove the saved key
            </label>
          )}
        </>
      )}
      <TextAreaField label="System prompt" {...field("systemPrompt")} rows={6} />
      <div className="field-pair">
        <TextField label="Temperature" {...field("temperature")} inputMode="decimal" hint="From 0 to 2." />
        <TextField label="Max tokens" {...field("maxTokens")} inputMode="numeric" hint="Per reply, 16 to 4,096." />
      </div>
      <TextAreaField
        label="Allowed domains"
        {...field("allowedDomains")}
        rows={3}
        hint="The websites that may use this agent: one per line or separated by commas, e.g. example.com or *.example.com."
      />
      <TextField
        label="Rate limit per session"
        {...field("rateLimitPerSession")}
        inputMode="numeric"
        hint="Visitor messages per minute in one conversation."
      />
      <div className="field-pair">
        <TextField label="Voice provider (optional)" {...field("voiceProvider")} autoComplete="off" />
        <TextField label="Voice id (optional)" {...field("voiceId")} autoComplete="off" />
      </div>
      <div className="form-actions">
        {!readOnly && (
          <button type="submit" disabled={pending}>
            {pending ? "Saving…" : submitLabel}
          </button>
        )}
        {actions}
      </div>
    </form>
  );
}
