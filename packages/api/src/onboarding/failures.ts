// The onboarding pipeline's one mapping from technical failures to what a business owner reads:
// a plain message, the next thing to do, and whether the pipeline retries on its own.
//
//   transient → the step is retried with backoff; only when every attempt failed does the owner
//               see the message (so its action is about waiting a little and pressing Retry).
//   permanent → retrying with the same input cannot help: the step and the session fail at once.
//
// Messages and actions never carry technical detail (codes, driver names, SQL). The detail goes
// to the log with the reference the owner is shown; the `code` is stable for programs and tests.
import { ResearchServiceError } from "@switchboard/integrations";
import Stripe from "stripe";
import { causeChain } from "../errors.ts";

type FailureKind = "transient" | "permanent";

export interface OnboardingFailure {
  /** transient → retried with backoff; permanent → step and session fail. */
  kind: FailureKind;
  /** Stable machine code, snake_case, e.g. "database_unique_violation", "card_declined". */
  code: string;
  /** Plain language for a business owner; no technical detail. */
  message: string;
  /** The next action in plain words, e.g. "Press Retry in a minute." */
  action: string;
}

/** An error a pipeline step throws on purpose, already classified. */
export class StepFailure extends Error {
  constructor(
    readonly failure: OnboardingFailure,
    options?: { cause?: unknown },
  ) {
    super(failure.message, options);
    this.name = "StepFailure";
  }
}

export function permanentFailure(code: string, message: string, action: string, cause?: unknown): StepFailure {
  return new StepFailure({ kind: "permanent", code, message, action }, cause === undefined ? undefined : { cause });
}

export function transientFailure(code: string, message: string, action: string, cause?: unknown): StepFailure {
  return new StepFailure({ kind: "transient", code, message, action }, cause === undefined ? undefined : { cause });
}

/** A non-2xx answer from an HTTP service we call (the optional research task service). */
export class HttpStatusError extends Error {
  constructor(
    /** How an owner would name it, e.g. "the research service". */
    readonly service: string,
    readonly status: number,
    /** The start of the answer's body, for the log only. */
    readonly body?: string,
  ) {
    super(`${service} answered HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ""}`);
    this.name = "HttpStatusError";
  }
}

// ---------------------------------------------------------------------------------------------
// The failures, by code. Actions that involve support mention the reference the owner is shown
// (the pipeline logs every failure under it).

const SUPPORT = "contact support with the reference shown";
const RETRY_SOON = "Press Retry in a minute.";

function transient(code: string, message: string, action = RETRY_SOON): OnboardingFailure {
  return { kind: "transient", code, message, action };
}

function permanent(code: string, message: string, action: string): OnboardingFailure {
  return { kind: "permanent", code, message, action };
}

const UNEXPECTED_FAILURE: OnboardingFailure = permanent(
  "unexpected",
  "Something unexpected went wrong on our side.",
  `Press Retry. If it happens again, ${SUPPORT}.`,
);

const database = {
  // Permanent. Every step is idempotent by construction: it looks for what an earlier attempt
  // created (by the session's unique key) inside a transaction that also locks the session's
  // lease row, so two runners cannot race each other into a duplicate. A unique violation that
  // still reaches us therefore means the data really conflicts with something that exists (a
  // taken name or email); retrying the same input would fail the same way, only later and with a
  // misleading "try again in a minute". If it was a freak race after all, the owner's Retry
  // finds the existing row and carries on.
  uniqueViolation: permanent(
    "database_unique_violation",
    "Something with these details already exists (for example the business name).",
    `Check the details you entered, then press Retry. If it happens again, ${SUPPORT}.`,
  ),
  foreignKeyViolation: permanent(
    "database_foreign_key_violation",
    "Part of your account that this step depends on is no longer there.",
    `Refresh the page and press Retry. If it happens again, ${SUPPORT}.`,
  ),
  // The pipeline replays the details from the sign-up form, so Retry alone cannot fix these.
  valueTooLong: permanent(
    "database_value_too_long",
    "Something you entered is longer than we can store.",
    "Shorten what you entered (for example the business name or website) and sign up again.",
  ),
  requiredValueMissing: permanent(
    "database_required_value_missing",
    "Some required information is missing from your sign-up.",
    "Fill in every required field and sign up again.",
  ),
  schemaNotMigrated: permanent(
    "schema_not_migrated",
    "Our system is being updated, so setup can't finish right now. We have been notified.",
    "Please try again later by pressing Retry.",
  ),
  conflict: transient("database_conflict", "Several changes to your account happened at the same moment."),
  unavailable: transient("database_unavailable", "Our system is briefly unavailable."),
  busy: transient("database_busy", "Our system is very busy right now."),
  timeout: transient("database_timeout", "Our system took too long to answer."),
};

/** SQLSTATE codes (PostgreSQL, also Prisma's driver adapter `originalCode`) and Prisma's own codes. */
const databaseCodes: Record<string, OnboardingFailure> = {
  "23505": database.uniqueViolation,
  P2002: database.uniqueViolation,
  "23503": database.foreignKeyViolation,
  P2003: database.foreignKeyViolation,
  "22001": database.valueTooLong,
  P2000: database.valueTooLong,
  "23502": database.requiredValueMissing,
  P2011: database.requiredValueMissing,
  "42P01": database.schemaNotMigrated, // undefined table
  "42703": database.schemaNotMigrated, // undefined column
  "42704": database.schemaNotMigrated, // undefined object (e.g. an enum type)
  P2021: database.schemaNotMigrated,
  P2022: database.schemaNotMigrated,
  "40001": database.conflict, // serialization failure
  "40P01": database.conflict, // deadlock detected
  P2034: database.conflict, // Prisma: write conflict or deadlock, retry the transaction
  "08000": database.unavailable, // connection exception
  "08001": database.unavailable, // client unable to establish connection
  "08003": database.unavailable, // connection does not exist
  "08004": database.unavailable, // server rejected the connection
  "08006": database.unavailable, // connection failure
  "57P01": database.unavailable, // admin shutdown (terminated by an operator or a restart)
  "57P02": database.unavailable, // crash shutdown
  "57P03": database.unavailable, // cannot connect now (starting up, recovering)
  P1001: database.unavailable, // can't reach database server
  P1017: database.unavailable, // server closed the connection
  "53300": database.busy, // too many connections
  P2024: database.busy, // timed out waiting for a connection from the pool
  "57014": database.timeout, // query canceled (statement_timeout)
  P1002: database.timeout, // server reached but timed out
  P1008: database.timeout, // operations timed out
};

/** Prisma driver-adapter error kinds (`cause.kind`); the socket-level ones carry no SQLSTATE at all. */
const databaseKinds: Record<string, OnboardingFailure> = {
  UniqueConstraintViolation: database.uniqueViolation,
  ForeignKeyConstraintViolation: database.foreignKeyViolation,
  LengthMismatch: database.valueTooLong,
  NullConstraintViolation: database.requiredValueMissing,
  TableDoesNotExist: database.schemaNotMigrated,
  ColumnNotFound: database.schemaNotMigrated,
  TransactionWriteConflict: database.conflict,
  DatabaseNotReachable: database.unavailable,
  ConnectionClosed: database.unavailable,
  TooManyConnections: database.busy,
  SocketTimeout: database.timeout,
};

/**
 * node-postgres reports a dropped connection with these messages and no code (Prisma passes them
 * through as plain errors, e.g. the next query in a transaction whose connection was terminated).
 */
const DROPPED_CONNECTION =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)$/;

const network = {
  unreachable: transient("service_unreachable", "We couldn't reach one of the services we use to set up your account."),
  timeout: transient("service_timeout", "One of the services we use took too long to answer."),
  interrupted: transient("service_interrupted", "A request to one of the services we use was interrupted."),
  // Permanent. ENOTFOUND is a definite answer from DNS: the host name does not exist, which for
  // a service we call means a mistyped host in our configuration; a retry gets the same answer.
  // EAI_AGAIN is the resolver's "temporary failure" and is retried.
  misconfigured: permanent(
    "service_misconfigured",
    "One of the services we use isn't set up correctly on our side. We have been notified.",
    `Please ${SUPPORT}.`,
  ),
};

/** Node / undici system error codes (fetch puts them on the `cause` of TypeError("fetch failed")). */
const networkCodes: Record<string, OnboardingFailure> = {
  ECONNREFUSED: network.unreachable,
  ECONNRESET: network.unreachable,
  EPIPE: network.unreachable,
  EHOSTUNREACH: network.unreachable,
  ENETUNREACH: network.unreachable,
  EAI_AGAIN: network.unreachable,
  UND_ERR_SOCKET: network.unreachable,
  ETIMEDOUT: network.timeout,
  UND_ERR_CONNECT_TIMEOUT: network.timeout,
  UND_ERR_HEADERS_TIMEOUT: network.timeout,
  UND_ERR_BODY_TIMEOUT: network.timeout,
  ENOTFOUND: network.misconfigured,
};

function sentence(service: string): string {
  return service.charAt(0).toUpperCase() + service.slice(1);
}

function httpStatusFailure(service: string, status: number): OnboardingFailure {
  const Service = sentence(service);
  if (status === 408) return transient("service_timeout", `${Service} took too long to answer.`);
  if (status === 429) return transient("service_rate_limited", `${Service} is busy right now.`);
  if (status >= 500) {
    return transient("service_unavailable", `${Service} is having trouble right now.`, "Press Retry in a few minutes.");
  }
  if (status === 401 || status === 403) {
    return permanent(
      "service_not_authorized",
      `Our connection to ${service} isn't authorized. This is a setup problem on our side, and we have been notified.`,
      `Please ${SUPPORT}.`,
    );
  }
  if (status === 404) {
    return permanent(
      "service_not_found",
      `${Service} couldn't find what we asked for. This is a setup problem on our side, and we have been notified.`,
      `Please ${SUPPORT}.`,
    );
  }
  if (status === 400 || status === 422) {
    return permanent(
      "service_rejected_details",
      `${Service} couldn't accept the details we sent.`,
      `Check the details you entered (for example the website address) and sign up again. If it happens again, ${SUPPORT}.`,
    );
  }
  return permanent(
    "service_rejected_request",
    `${Service} turned down our request.`,
    `Press Retry. If it happens again, ${SUPPORT}.`,
  );
}

const payment = {
  misconfigured: permanent(
    "payment_misconfigured",
    "Payments are misconfigured on our side; we've been notified.",
    `Please ${SUPPORT}.`,
  ),
  sessionNotFound: permanent(
    "payment_session_not_found",
    "We couldn't find your payment session.",
    "Start checkout again.",
  ),
  requestRejected: permanent(
    "payment_request_rejected",
    "Our payment provider turned down a request from us. This is a problem on our side, and we have been notified.",
    `Please ${SUPPORT}.`,
  ),
  busy: transient("payment_provider_busy", "Our payment provider is busy right now."),
  unreachable: transient("payment_provider_unreachable", "We couldn't reach our payment provider."),
  unavailable: transient(
    "payment_provider_unavailable",
    "Our payment provider is having trouble right now.",
    "Press Retry in a few minutes.",
  ),
};

const NEW_CARD = "Pay with a different card on the payment page, then press Retry.";

const card = {
  // The generic decline is also what lost, stolen and suspected-fraud cards get: the owner (and the
  // stored code) must never learn that the issuer suspects fraud.
  declined: permanent(
    "card_declined",
    "Your card was declined.",
    "Pay with a different card on the payment page, or ask your bank why, then press Retry.",
  ),
  insufficientFunds: permanent(
    "card_insufficient_funds",
    "Your card was declined because it doesn't have enough funds.",
    NEW_CARD,
  ),
  expired: permanent("card_expired", "Your card has expired.", NEW_CARD),
  incorrectCvc: permanent(
    "card_incorrect_cvc",
    "The security code you entered doesn't match your card.",
    "Check the 3- or 4-digit security code on your card, or pay with a different card, then press Retry.",
  ),
  incorrectNumber: permanent(
    "card_number_incorrect",
    "The card number you entered isn't right.",
    "Check the card number, or pay with a different card, then press Retry.",
  ),
  processing: transient(
    "card_processing_error",
    "Your card couldn't be processed just now.",
    "Press Retry in a minute. If it keeps happening, pay with a different card.",
  ),
};

/** Stripe's decline_code (preferred) or code → failure; anything not listed is a generic decline. */
const cardReasons: Record<string, OnboardingFailure> = {
  insufficient_funds: card.insufficientFunds,
  expired_card: card.expired,
  incorrect_cvc: card.incorrectCvc,
  invalid_cvc: card.incorrectCvc,
  incorrect_number: card.incorrectNumber,
  invalid_number: card.incorrectNumber,
  processing_error: card.processing,
};

function stripeFailure(error: Stripe.errors.StripeError): OnboardingFailure | null {
  const { errors } = Stripe;
  if (error instanceof errors.StripeCardError) {
    // A card error's code is the category ("card_declined", "expired_card", ...); the issuer's
    // reason is in decline_code. Either may name one of the reasons the owner can act on.
    return cardReasons[error.decline_code] ?? (error.code ? cardReasons[error.code] : undefined) ?? card.declined;
  }
  if (error instanceof errors.StripeRateLimitError) return payment.busy;
  if (error instanceof errors.StripeConnectionError) return payment.unreachable;
  // Stripe's SDK raises APIError for 5xx answers (and any status it has no class for): retried.
  if (error instanceof errors.StripeAPIError) return payment.unavailable;
  if (error instanceof errors.StripeAuthenticationError || error instanceof errors.StripePermissionError) {
    return payment.misconfigured;
  }
  // The same idempotency key sent with different parameters: a bug on our side, never fixed by retrying.
  if (error instanceof errors.StripeIdempotencyError) return payment.misconfigured;
  if (error instanceof errors.StripeInvalidRequestError) {
    return error.code === "resource_missing" ? payment.sessionNotFound : payment.requestRejected;
  }
  return null;
}

function stringField(link: Record<string, unknown>, key: string): string | undefined {
  const value = link[key];
  return typeof value === "string" ? value : undefined;
}

/** What one link of a cause chain says, or null when it says nothing we recognise. */
function classifyLink(link: Record<string, unknown>): OnboardingFailure | null {
  if (link instanceof StepFailure) return link.failure;
  if (link instanceof Stripe.errors.StripeError) return stripeFailure(link);
  if (link instanceof HttpStatusError) return httpStatusFailure(link.service, link.status);
  // The research client's own error: with a status it is an HTTP answer; without one, its cause
  // (the network failure) is classified further down the chain.
  if (link instanceof ResearchServiceError && link.status !== null) {
    return httpStatusFailure("the research service", link.status);
  }

  const name = stringField(link, "name");
  if (name === "TimeoutError") return network.timeout; // AbortSignal.timeout()
  if (name === "AbortError") return network.interrupted;

  // `code` on PostgreSQL, Prisma and Node system errors; `originalCode` on Prisma's driver-adapter
  // error details; `errorCode` on Prisma's initialization errors.
  for (const key of ["code", "originalCode", "errorCode"]) {
    const code = stringField(link, key);
    if (code === undefined) continue;
    const known = databaseCodes[code] ?? networkCodes[code];
    if (known) return known;
  }
  const kind = stringField(link, "kind");
  if (kind !== undefined && databaseKinds[kind]) return databaseKinds[kind];

  const message = stringField(link, "message");
  if (message !== undefined && DROPPED_CONNECTION.test(message)) return database.unavailable;
  return null;
}

/**
 * Classifies anything a step threw. Walks the cause chain outermost first (Prisma nests the
 * PostgreSQL error under `meta.driverAdapterError`, fetch puts the socket error under `cause`,
 * and a StepFailure wrapping another error wins over what it wraps).
 */
export function classifyFailure(error: unknown): OnboardingFailure {
  for (const link of causeChain(error)) {
    const failure = classifyLink(link);
    if (failure) return { ...failure };
  }
  return { ...UNEXPECTED_FAILURE };
}
