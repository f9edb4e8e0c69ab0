// Stable machine codes for every failure a client can see. The message is for people (plain
// language); the code is for programs (the dashboard branches on it, tests assert it).
import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type pino from "pino";
import { fieldErrorsOf, z } from "./validation-messages.ts";

export type AppErrorCode =
  | "UNAUTHENTICATED"
  | "SESSION_EXPIRED"
  | "FORBIDDEN_ROLE"
  | "FORBIDDEN_RESOURCE"
  | "INVALID_CREDENTIALS"
  | "EMAIL_TAKEN"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "SCHEMA_NOT_MIGRATED"
  | "RATE_LIMITED"
  | "SIGNAL_TOO_LARGE"
  | "REQUEST_ALREADY_ACCEPTED"
  | "REQUEST_NOT_PENDING"
  | "REQUEST_PENDING_EXISTS"
  | "SESSION_ENDED"
  | "SESSION_NOT_ACTIVE"
  | "SESSION_NOT_COMPLETED"
  | "ALREADY_RATED"
  | "NOT_YOUR_PART"
  | "TRY_AGAIN"
  | "ONBOARDING_IN_PROGRESS"
  | "ONBOARDING_FAILED"
  | "COACHING_SESSION_WRONG_STATE"
  | "API_KEY_REVEAL_UNAVAILABLE"
  | "API_KEY_ALREADY_REVOKED"
  | "API_KEY_LIMIT_REACHED"
  | "PAYMENT_UNAVAILABLE"
  | "AI_UNAVAILABLE"
  | "AI_DISABLED"
  | "INTERNAL";

type TRPCCode = TRPCError["code"];

const defaultTrpcCode: Record<AppErrorCode, TRPCCode> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  FORBIDDEN_ROLE: "FORBIDDEN",
  FORBIDDEN_RESOURCE: "FORBIDDEN",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  EMAIL_TAKEN: "CONFLICT",
  VALIDATION_FAILED: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  SCHEMA_NOT_MIGRATED: "SERVICE_UNAVAILABLE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  SIGNAL_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  REQUEST_ALREADY_ACCEPTED: "CONFLICT",
  REQUEST_NOT_PENDING: "CONFLICT",
  REQUEST_PENDING_EXISTS: "CONFLICT",
  SESSION_ENDED: "CONFLICT",
  SESSION_NOT_ACTIVE: "CONFLICT",
  SESSION_NOT_COMPLETED: "CONFLICT",
  ALREADY_RATED: "CONFLICT",
  NOT_YOUR_PART: "FORBIDDEN",
  TRY_AGAIN: "CONFLICT",
  ONBOARDING_IN_PROGRESS: "CONFLICT",
  ONBOARDING_FAILED: "PRECONDITION_FAILED",
  COACHING_SESSION_WRONG_STATE: "CONFLICT",
  API_KEY_REVEAL_UNAVAILABLE: "PRECONDITION_FAILED",
  API_KEY_ALREADY_REVOKED: "CONFLICT",
  API_KEY_LIMIT_REACHED: "CONFLICT",
  PAYMENT_UNAVAILABLE: "BAD_GATEWAY",
  AI_UNAVAILABLE: "BAD_GATEWAY",
  AI_DISABLED: "PRECONDITION_FAILED",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** Carries the machine code through TRPCError's `cause`, where the formatter finds it. */
export class AppErrorCause extends Error {
  constructor(
    readonly appCode: AppErrorCode,
    /** For RATE_LIMITED and TRY_AGAIN: when to try again (the HTTP answer's Retry-After). */
    readonly retryAfterSeconds?: number,
    /** The underlying failure, for the log (never shown to the client). */
    readonly underlying?: unknown,
  ) {
    super(appCode);
    this.name = "AppErrorCause";
  }
}

export function appError(
  appCode: AppErrorCode,
  message: string,
  options: { trpcCode?: TRPCCode; retryAfterSeconds?: number } = {},
) {
  const cause = new AppErrorCause(appCode, options.retryAfterSeconds);
  return new TRPCError({ code: options.trpcCode ?? defaultTrpcCode[appCode], message, cause });
}

/**
 * What a person is told when the database lacks a table or column the code needs. The operator's
 * instructions (which difference, which command) go to the log and /healthz, not to customers.
 */
export const SCHEMA_NOT_MIGRATED_MESSAGE =
  "This part of Switchboard is being updated and isn't available right now. Please try again in a few minutes.";

export const TRY_AGAIN_MESSAGE =
  "This is taking longer than usual because it is busy right now. Please try again in a moment.";

/**
 * A wait that hit its bound: a lock (55P03 lock_not_available), a statement (57014
 * query_canceled, from statement_timeout), a transaction left idle (25P03), no free connection in
 * the pool (pg's "timeout exceeded when trying to connect"), or Prisma unable to start or finish
 * an interactive transaction in time (P2028). All mean "busy, nothing was written": try again.
 */
export function isBoundedWaitError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = link.code ?? link.originalCode;
    if (code === "55P03" || code === "57014" || code === "25P03" || code === "P2028") return true;
    if (typeof link.message === "string" && /timeout exceeded when trying to connect/i.test(link.message)) return true;
  }
  return false;
}

/** The error and every error it wraps (`cause`, Prisma's `meta.driverAdapterError`), outermost first. */
export function* causeChain(error: unknown): Generator<Record<string, unknown>> {
  // Prisma's driver-adapter errors nest the PostgreSQL error a few levels down.
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 10) {
    const current = pending.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    const meta = record.meta as Record<string, unknown> | undefined;
    pending.push(record.cause, meta?.driverAdapterError);
  }
}

/** Prisma (P2021 table / P2022 column missing) or PostgreSQL (42P01, 42703, 42704) schema errors. */
export function isSchemaMissingError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = link.code ?? link.originalCode;
    if (code === "P2021" || code === "P2022" || code === "42P01" || code === "42703" || code === "42704") return true;
    if (link.kind === "TableDoesNotExist" || link.kind === "ColumnNotFound") return true;
  }
  return false;
}

/** Prisma's unique-constraint violation (P2002) or PostgreSQL's 23505. */
export function isUniqueViolation(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = link.code ?? link.originalCode;
    if (code === "P2002" || code === "23505" || link.kind === "UniqueConstraintViolation") return true;
  }
  return false;
}

export interface UserFacingError {
  appCode: AppErrorCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
  retryAfterSeconds?: number;
}

/** tRPC's own errors (unknown procedure, unparseable body, …) carry no machine code; derive one. */
const appCodeForTrpcCode: Partial<Record<TRPCCode, AppErrorCode>> = {
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN_ROLE",
  NOT_FOUND: "NOT_FOUND",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "TRY_AGAIN",
  BAD_REQUEST: "VALIDATION_FAILED",
  PARSE_ERROR: "VALIDATION_FAILED",
  PAYLOAD_TOO_LARGE: "VALIDATION_FAILED",
  UNPROCESSABLE_CONTENT: "VALIDATION_FAILED",
  UNSUPPORTED_MEDIA_TYPE: "VALIDATION_FAILED",
  METHOD_NOT_SUPPORTED: "VALIDATION_FAILED",
};

/** A field path as a person would name it: "vehicle.year" → "year", "config.systemPrompt" → "system prompt". */
function fieldLabel(path: string): string {
  const named = path.split(".").filter((segment) => !/^\d+$/.test(segment));
  const last = named.at(-1) ?? path;
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/\bId\b/g, "ID")
    .toLowerCase()
    .replace(/\bid\b/g, "ID");
}

function validationSummary(fieldErrors: Record<string, string[]>): string {
  const fields = Object.keys(fieldErrors).filter(Boolean);
  if (fields.length === 0) return fieldErrors[""]?.[0] ?? "Please check what you entered.";
  const first = fields[0] as string;
  if (fields.length === 1) return `Please check ${fieldLabel(first)}: ${fieldErrors[first]?.[0] ?? "it is not valid."}`;
  return `Please check these fields: ${[...new Set(fields.map(fieldLabel))].join(", ")}.`;
}

/**
 * One reference per error, however often it is explained: the error formatter answers the
 * client and the transport's onError may log the same error (trpc.ts), and both must name the
 * same reference.
 */
const references = new WeakMap<TRPCError, string>();
function referenceOf(error: TRPCError): string {
  let reference = references.get(error);
  if (!reference) {
    reference = randomBytes(4).toString("hex");
    references.set(error, reference);
  }
  return reference;
}

/**
 * What a client may see of an error. Anything unexpected is replaced by a reference; the
 * detail goes to the log under that reference, so support can find it and nothing leaks.
 */
export function toUserFacingError(
  thrown: unknown,
  report: {
    /** Null: only the answer is wanted; whoever holds a logger logs this error (trpc.ts). */
    log: pino.Logger | null;
    path?: string | undefined;
    /** Called when a table or column is missing, so the server re-checks the schema at once. */
    onSchemaMissing?: (() => void) | undefined;
  },
): UserFacingError {
  const error = thrown instanceof TRPCError ? thrown : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: thrown });
  const { cause } = error;
  if (cause instanceof AppErrorCause) {
    const { appCode, retryAfterSeconds, underlying } = cause;
    if (underlying && appCode === "SCHEMA_NOT_MIGRATED") {
      report.log?.error(
        { err: underlying, path: report.path },
        "the database schema is missing a table or column; see /healthz or run `pnpm db:check`",
      );
      report.onSchemaMissing?.();
    } else if (underlying) {
      report.log?.warn({ err: underlying, path: report.path }, `answered ${appCode}`);
    }
    return { appCode, message: error.message, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  if (cause instanceof z.core.$ZodError) {
    const fieldErrors = fieldErrorsOf(cause);
    return { appCode: "VALIDATION_FAILED", message: validationSummary(fieldErrors), fieldErrors };
  }
  if (isSchemaMissingError(cause ?? error)) {
    report.log?.error(
      { err: cause ?? error, path: report.path },
      "the database schema is missing a table or column; see /healthz or run `pnpm db:check`",
    );
    report.onSchemaMissing?.();
    return { appCode: "SCHEMA_NOT_MIGRATED", message: SCHEMA_NOT_MIGRATED_MESSAGE };
  }
  if (isBoundedWaitError(cause ?? error)) {
    report.log?.warn({ err: cause ?? error, path: report.path }, "a database wait hit its bound; answered TRY_AGAIN");
    return { appCode: "TRY_AGAIN", message: TRY_AGAIN_MESSAGE, retryAfterSeconds: 2 };
  }
  if (error.code === "INTERNAL_SERVER_ERROR") {
    const reference = referenceOf(error);
    report.log?.error({ err: cause ?? error, reference, path: report.path }, "unexpected error");
    return { appCode: "INTERNAL", message: `Something went wrong — reference ${reference}` };
  }
  // Only tRPC itself raises a TRPCError without our cause (a body it cannot parse, superjson it
  // cannot read, an unknown procedure…), and its message is often a raw exception's text
  // ("Unexpected token…", "Maximum call stack size exceeded"): the client gets our words, the
  // log gets theirs.
  report.log?.info({ err: cause ?? error, path: report.path, code: error.code }, "request refused by tRPC");
  return {
    appCode: appCodeForTrpcCode[error.code] ?? "INTERNAL",
    message: trpcOwnMessages[error.code] ?? "We couldn't handle that request.",
  };
}

/** Our words for the errors tRPC raises itself, by its code. */
const trpcOwnMessages: Partial<Record<TRPCCode, string>> = {
  PARSE_ERROR: "We couldn't read that request.",
  BAD_REQUEST: "We couldn't read that request.",
  UNPROCESSABLE_CONTENT: "We couldn't read that request.",
  UNSUPPORTED_MEDIA_TYPE: "We couldn't read that request: it was sent in a format we don't accept.",
  PAYLOAD_TOO_LARGE: "That request is too large.",
  METHOD_NOT_SUPPORTED: "That request was sent the wrong way.",
  NOT_FOUND: "We couldn't find what this request asked for.",
  UNAUTHORIZED: "Please sign in first.",
  FORBIDDEN: "You don't have access to this.",
  TOO_MANY_REQUESTS: "Too many requests. Please wait a moment and try again.",
  TIMEOUT: "This took too long. Please try again.",
  CLIENT_CLOSED_REQUEST: "The request was closed before it finished.",
};
