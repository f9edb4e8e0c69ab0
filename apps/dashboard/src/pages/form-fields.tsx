// Form pieces shared by the dashboard's forms: every control has a visible <label> (or, for a
// group of radio buttons, a <legend>), and its field errors are tied to it (aria-describedby)
// so screen readers read them with the control.
import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import "./forms.css";

interface FieldText {
  /** A standing explanation under the control, e.g. a password rule. */
  hint?: string | undefined;
  errors?: string[] | undefined;
}

/** Ids for a control's hint and errors, and the aria-describedby that names whichever exist. */
function useFieldDescription({ hint, errors }: FieldText) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-errors`;
  const hasErrors = Boolean(errors?.length);
  const describedBy = [hint ? hintId : null, hasErrors ? errorId : null].filter(Boolean).join(" ");
  return {
    id,
    control: { "aria-invalid": hasErrors || undefined, "aria-describedby": describedBy || undefined },
    messages: <FieldMessages hint={hint} hintId={hintId} errors={errors} errorId={errorId} />,
  };
}

function FieldMessages({ hint, hintId, errors, errorId }: FieldText & { hintId: string; errorId: string }) {
  return (
    <>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {errors && errors.length > 0 && (
        <ul className="field-errors" id={errorId}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> &
  FieldText & {
    label: string;
    name: string;
  };

export function TextField({ label, name, hint, errors, ...input }: TextFieldProps) {
  const field = useFieldDescription({ hint, errors });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <input id={field.id} name={name} {...field.control} {...input} />
      {field.messages}
    </div>
  );
}

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name"> &
  FieldText & {
    label: string;
    name: string;
  };

export function TextAreaField({ label, name, hint, errors, ...textarea }: TextAreaFieldProps) {
  const field = useFieldDescription({ hint, errors });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <textarea id={field.id} name={name} {...field.control} {...textarea} />
      {field.messages}
    </div>
  );
}

interface FieldOption {
  value: string;
  label: string;
}

/** A select's or radio group's options from a labels table, in the table's order. */
export function optionsOf<K extends string>(labels: Record<K, string>): { value: K; label: string }[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name"> &
  FieldText & {
    label: string;
    name: string;
    options: readonly FieldOption[];
  };

export function SelectField({ label, name, hint, errors, options, ...select }: SelectFieldProps) {
  const field = useFieldDescription({ hint, errors });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <select id={field.id} name={name} {...field.control} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {field.messages}
    </div>
  );
}

type RadioGroupFieldProps = FieldText & {
  legend: string;
  name: string;
  options: readonly (FieldOption & { description?: ReactNode })[];
  defaultValue?: string;
};

/** A small set of choices shown all at once: a <fieldset> whose <legend> names the group. */
export function RadioGroupField({ legend, name, hint, errors, options, defaultValue }: RadioGroupFieldProps) {
  const field = useFieldDescription({ hint, errors });
  return (
    <fieldset className="field choice-group" {...field.control}>
      <legend>{legend}</legend>
      <div className="choices">
        {options.map((option) => (
          <label key={option.value} className="choice">
            <input type="radio" name={name} value={option.value} defaultChecked={option.value === defaultValue} />
            <span>
              {option.label}
              {option.description && <span className="choice-description">{option.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {field.messages}
    </fieldset>
  );
}

/** The request-level error, announced as soon as it appears. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
