// The shared input types at the API's edge. Everything a client sends passes through these, so
// that what validation accepts PostgreSQL can also store: PostgreSQL refuses NUL bytes in text
// and jsonb (and lone UTF-16 surrogates, which have no UTF-8 form), and refuses years it cannot
// represent; without these checks such input got past validation and failed as a 500.
import { z } from "./validation-messages.ts";

const UNSTORABLE_MESSAGE = "Remove the hidden or unsupported characters from this text.";

// C0 controls and DEL. Multi-line text keeps tab, line feed and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const singleLineControls = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const multiLineControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL can store the string, and it carries no invisible control characters. */
function isStorableText(value: string, multiline = false): boolean {
  // The lib target predates String.prototype.isWellFormed; this is its definition.
  return !loneSurrogate.test(value) && !(multiline ? multiLineControls : singleLineControls).test(value);
}

/**
 * The character rule alone, for strings with their own format (a web address): a URL parser
 * accepts a raw NUL in the path and zod keeps the text as sent.
 */
export const storableText = () =>
  z.refine<string>((value) => isStorableText(value), { error: UNSTORABLE_MESSAGE, abort: true });

export interface TextOptions {
  max: number;
  /** Default 0: an empty string is allowed (after trimming). 1 makes the field required. */
  min?: number;
  /** Default true: surrounding whitespace is dropped before the length checks. */
  trim?: boolean;
  /** Default false: line breaks and tabs are refused. */
  multiline?: boolean;
  /** The message for "too long" (default: zod's "Use at most N characters."). */
  tooLong?: string;
  /** The message for "too short". */
  tooShort?: string;
}

/**
 * The one text type for client input. The character check runs first and aborts, so a 10 MB
 * string of garbage is answered in one message rather than three.
 */
export function text({ max, min = 0, trim = true, multiline = false, tooLong, tooShort }: TextOptions) {
  let schema = z
    .string()
    .check(z.refine((value: string) => isStorableText(value, multiline), { error: UNSTORABLE_MESSAGE, abort: true }));
  if (trim) schema = schema.trim();
  if (min > 0) schema = schema.min(min, tooShort ? { error: tooShort } : undefined);
  return schema.max(max, { error: tooLong ?? `Use at most ${max.toLocaleString("en-US")} characters.` });
}

/** Free text over several lines (descriptions, notes, messages). */
export const multilineText = (options: Omit<TextOptions, "multiline">) => text({ ...options, multiline: true });

/** The years a calendar date or an instant may fall in: wide enough for anything real, all storable. */
const YEAR_RANGE = { min: 1900, max: 2200 } as const;

const yearInRange = (year: number) => year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
const outOfRangeMessage = `Use a date between the years ${YEAR_RANGE.min} and ${YEAR_RANGE.max}.`;

/** A calendar day, "YYYY-MM-DD", as a UTC-midnight Date (stored as a DATE). */
export function calendarDay(error = "Use a date like 2026-12-31.") {
  return z.iso
    .date({ error })
    .refine((value) => yearInRange(Number(value.slice(0, 4))), { error: outOfRangeMessage })
    .transform((value) => new Date(`${value}T00:00:00Z`));
}

/** An instant with its offset ("2026-12-01T09:30:00+01:00" or "…Z"), as a Date. */
export function instant(error = "Use a date and time like 2026-12-01T09:30:00Z.") {
  return z.iso
    .datetime({ offset: true, error })
    .transform((value) => new Date(value))
    .refine((date) => yearInRange(date.getUTCFullYear()), { error: outOfRangeMessage });
}

/**
 * A flat object of named settings (agent voice settings, a chat's context data): text keys,
 * scalar values, a bounded number of them.
 */
export function settingsRecord({ maxKeys, keyMax, valueMax }: { maxKeys: number; keyMax: number; valueMax: number }) {
  return z
    .record(
      text({ max: keyMax, min: 1 }),
      z.union([z.number(), text({ max: valueMax, trim: false }), z.boolean()], {
        error: `Use a number, true or false, or plain text of at most ${valueMax} characters.`,
      }),
    )
    .refine((record) => Object.keys(record).length <= maxKeys, { error: `Use at most ${maxKeys} settings.` });
}

/** An opaque token or cursor a client was given: printable ASCII only, bounded. */
export function opaqueToken({ min = 1, max }: { min?: number; max: number }) {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(/^[\x21-\x7e]*$/, { error: "This link or code is not valid." });
}
