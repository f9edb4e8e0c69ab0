// The API's core: context, initTRPC, the error formatter, middleware and procedure builders.
import type { Database } from "@switchboard/db";
import { initTRPC } from "@trpc/server";
import pino from "pino";
import type { AiRuntime } from "./agents/ai-runtime.ts";
import { resolveSession } from "./auth/service.ts";
import { appError, toUserFacingError } from "./errors.ts";
import type { JobQueue } from "./job-queue.ts";
import type { AppEventBus, LiveConnection } from "./live-events.ts";
import type { OnboardingRuntime } from "./onboarding/runtime.ts";
import { z } from "./validation-messages.ts";
import { transformer } from "./wire-format.ts";

export interface CreateContextOptions {
  db: Database;
  log: pino.Logger;
  /** The bearer token: HTTP `Authorization` header or WebSocket `connectionParams.token`. */
  token: string | null;
  requestId: string;
  /** Lifetime of sessions created by sign-up and sign-in (default 30 days). */
  sessionTtlDays?: number | undefined;
  /** The event bus: the one way anything is pushed to clients. */
  events: AppEventBus;
  /** The WebSocket this context belongs to (null over HTTP). */
  connection?: LiveConnection | null;
  /** Payments and the pipeline runner of this process (null where onboarding is not served). */
  onboarding?: OnboardingRuntime | null;
  /** The AI runtime (null: AI features are off and say so). */
  ai?: AiRuntime | null;
  /** The background job queue (null: no job worker runs here, so nothing is queued). */
  jobs?: JobQueue | null;
  /** Who is calling, from the transport: the browser's Origin header and the peer address. */
  client?: { origin: string | null; ip: string | null };
}

export async function createContext({
  db,
  log,
  token,
  requestId,
  sessionTtlDays,
  events,
  connection,
  onboarding,
  ai,
  jobs,
  client,
}: CreateContextOptions) {
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
    sessionTtlDays,
    events,
    connection: connection ?? null,
    onboarding: onboarding ?? null,
    ai: ai ?? null,
    jobs: jobs ?? null,
    client: client ?? { origin: null, ip: null },
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
    const { appCode, message } = toUserFacingError(error, { log, path: "createContext" });
    throw appError(appCode, message);
  }
}

export type Context = Awaited<ReturnType<typeof createContext>>;

// For errors raised before any context exists (a malformed request, an unknown procedure).
const contextlessLog = pino({ level: process.env.LOG_LEVEL ?? "info" });

const t = initTRPC.context<Context>().create({
  transformer,
  isDev: false,
  errorFormatter({ shape, error, ctx, path }) {
    const { appCode, message, fieldErrors } = toUserFacingError(error, { log: ctx?.log ?? contextlessLog, path });
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, appCode, ...(fieldErrors ? { fieldErrors } : {}) } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
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
