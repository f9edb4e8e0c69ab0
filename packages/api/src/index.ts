import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export type { AiRuntime } from "./agents/ai-runtime.ts";
export { expireIdleSessions } from "./agents/sessions.ts";
export { hashPassword, verifyPassword } from "./auth/password.ts";
export {
  CLOSE_ACCESS_CHANGED,
  CLOSE_SIGNED_OUT,
  SessionRevocations,
} from "./auth/revocation.ts";
export {
  DEFAULT_SESSION_TTL_DAYS,
  hashSessionToken,
  newSessionToken,
  tokenFromAuthorizationHeader,
} from "./auth/tokens.ts";
export { backfillEmbeddings } from "./coaching/memory.ts";
export { type AppErrorCode, appError, toUserFacingError, type UserFacingError } from "./errors.ts";
export { type BackgroundJobDeps, type JobWorker, startBackgroundJobs } from "./job-worker.ts";
export {
  type AppEventBus,
  type AppTopics,
  CLOSE_FELL_BEHIND,
  createAppEventBus,
  FELL_BEHIND_REASON,
  LiveSocket,
} from "./live-events.ts";
export { STEP_ORDER } from "./onboarding/pipeline.ts";
export { OnboardingRunner, type RunnerOptions } from "./onboarding/runner.ts";
export type { OnboardingRuntime } from "./onboarding/runtime.ts";
export { applyCheckoutCompleted } from "./onboarding/webhook.ts";
export { expireStaleRequests, scheduleRequestExpiry } from "./requests/request-lifecycle.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export {
  createThrottlePool,
  THROTTLE_BUCKETS,
  Throttle,
  type ThrottleBucket,
  type ThrottleOptions,
} from "./throttle.ts";
export { type Context, type CreateContextOptions, createContext } from "./trpc.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { wsHandlerOptions } from "./wire-format.ts";
