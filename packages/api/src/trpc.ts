// The API's core: context, initTRPC, the error formatter, middleware and procedure builders.
import type { Database } from "@switchboard/db";
import { initTRPC, TRPCError } from "@trpc/server";
import type pino from "pino";
import { resolveSession } from "./auth/service.ts";
import {
  AppErrorCause,
  appError,
  isBoundedWaitError,
  isSchemaMissingError,
  SCHEMA_NOT_MIGRATED_MESSAGE,
  TRY_AGAIN_MESSAGE,
  toUserFacingError,
} from "./errors.ts";
import { DEFAULT_SERVICE_SESSION_SETTINGS } from "./service-session-settings.ts";
import type { Connection, Services } from "./services.ts";
import { SignalAllowance } from "./signal-allowance.ts";
import type { ThrottleBucket } from "./throttle.ts";
import { z } from "./validation-messages.ts";
import { transformer } from "./wire-format.ts";

/** The process's signal allowance when its services bring none: per connection, in memory (signal-allowance.ts). */
const processSignalAllowance = new SignalAllowance();

export async function createContext(services: Services, connection: Connection) {
  const { db, log } = services;
  const { token, requestId } = connection;
  const resolved = token ? await resolveSessionOrExplain(db, token, log.child({ requestId })) : null;
  const signedIn = resolved?.status === "valid" ? resolved : null;
  return {
    db,
    log: log.child({ requestId, userId: signedIn?.user.id }),
    requestId,
    user: signedIn?.user ?? null,
    session: signedIn?.session ?? null,
    /** Why a sent token did not sign anyone in, so the client can say "expired" rather than "sign in". */
    sessionRejected: resolved && resolved.status !== "valid" ? resolved.status : null,
    sessionTtlDays: services.sessionTtlDays,
    events: services.events,
    connection: connection.socket ?? null,
    onboarding: services.onboarding ?? null,
    ai: services.ai ?? null,
    jobs: services.jobs ?? null,
    client: connection.client ?? { origin: null, ip: null },
    throttle: services.throttle ?? null,
    serviceSessions: services.serviceSessions ?? DEFAULT_SERVICE_SESSION_SETTINGS,
    signalAllowance: services.signalAllowance ?? processSignalAllowance,
    onSchemaMissing: services.onSchemaMissing,
  };
}

/**
 * A failure here happens before any context exists, so the error formatter would have no
 * request logger; log it now, under the request id, and hand tRPC the already-explained error.
 */
async function resolveSessionOrExplain(db: Database, token: string, log: pino.Logger) {
  try {
    return await resolveSession(db, token);
  } catch (error) {
    const { appCode, message, retryAfterSeconds } = toUserFacingError(error, { log, path: "createContext" });
    // A bounded wait here (no free connection, a lock) is "busy", not a conflict.
    throw appError(appCode, message, {
      ...(appCode === "TRY_AGAIN" ? { trpcCode: "SERVICE_UNAVAILABLE" as const } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
}

export type Context = Awaited<ReturnType<typeof createContext>>;

/**
 * The transports' `onError` (HTTP and WebSocket adapters): logs, with the process's logger,
 * the errors raised before any context exists (a body tRPC cannot parse, a batch too large, a
 * context that could not be made), for which the error formatter has no logger. An error with a
 * context is logged by the formatter, under the request's logger. Either way the same error gets
 * the same reference (errors.ts), so the client's reference and the log line agree.
 */
export function logErrorBeforeContext(
  log: pino.Logger,
  { error, ctx, path }: { error: TRPCError; ctx?: Context | undefined; path?: string | undefined },
): void {
  if (!ctx) toUserFacingError(error, { log, path });
}

const t = initTRPC.context<Context>().create({
  transformer,
  isDev: false,
  errorFormatter({ shape, error, ctx, path }) {
    const { appCode, message, fieldErrors, retryAfterSeconds } = toUserFacingError(error, {
      log: ctx?.log ?? null,
      path,
      onSchemaMissing: ctx?.onSchemaMissing,
    });
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message,
      data: {
        ...data,
        appCode,
        ...(fieldErrors ? { fieldErrors } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      },
    };
  },
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
/**
 * Every procedure's outermost step: a database wait that hit its bound (lock, statement or pool
 * timeout) leaves as TRY_AGAIN with 503 and Retry-After, and a missing table or column as
 * SCHEMA_NOT_MIGRATED with 503, instead of an unexplained 500. Nothing was written: each call is
 * one transaction, rolled back by the failure.
 */
const boundedWaits = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const failure = result.error.cause ?? result.error;
  if (result.error.cause instanceof AppErrorCause) return result;
  if (isBoundedWaitError(failure)) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: TRY_AGAIN_MESSAGE,
      cause: new AppErrorCause("TRY_AGAIN", 2, failure),
    });
  }
  if (isSchemaMissingError(failure)) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: SCHEMA_NOT_MIGRATED_MESSAGE,
      cause: new AppErrorCause("SCHEMA_NOT_MIGRATED", undefined, failure),
    });
  }
  return result;
});

export const publicProcedure = t.procedure.use(boundedWaits);

/** The caller's network as throttling knows it (the peer address; behind a proxy, the client's). */
export const clientKey = (ctx: Context) => `client:${ctx.client.ip ?? "unknown"}`;

/**
 * Counts the call against the caller's network's budget for `bucket` before its input is even
 * parsed (a flood of malformed calls counts too). For public procedures (throttle.ts).
 */
export const throttledByClient = (bucket: ThrottleBucket) =>
  t.middleware(async ({ ctx, next }) => {
    await ctx.throttle?.consume(bucket, clientKey(ctx));
    return next();
  });

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.session) {
    throw ctx.sessionRejected === "expired"
      ? appError("SESSION_EXPIRED", "Your session has expired. Please sign in again.")
      : appError("UNAUTHENTICATED", "Please sign in to continue.");
  }
  return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

export const mechanicProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const mechanic =
    ctx.user.role === "mechanic" ? await ctx.db.mechanic.findUnique({ where: { userId: ctx.user.id } }) : null;
  if (!mechanic) throw appError("FORBIDDEN_ROLE", "Only mechanics can do this.");
  return next({ ctx: { ...ctx, mechanic } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw appError("FORBIDDEN_ROLE", "Only administrators can do this.");
  return next();
});

/**
 * Scoped to one organization named by the input; the caller must be a member. Non-members get
 * NOT_FOUND, never FORBIDDEN, so probing ids reveals nothing. Procedures built on this add
 * their own fields with `.input(z.object({...}))` (not strictObject, which would reject organizationId).
 */
export const orgProcedure = authedProcedure
  .input(z.object({ organizationId: z.uuid() }))
  .use(async ({ ctx, input, next }) => {
    const membership = await ctx.db.membership.findUnique({
      where: { organizationId_userId: { organizationId: input.organizationId, userId: ctx.user.id } },
    });
    if (!membership) throw appError("NOT_FOUND", "We couldn't find that organization.");
    return next({ ctx: { ...ctx, membership } });
  });
