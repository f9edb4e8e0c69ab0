import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export type { AiRuntime } from "./ai/runtime.ts";
export { hashPassword, verifyPassword } from "./auth/password.ts";
export {
  CLOSE_ACCESS_CHANGED,
  CLOSE_SIGNED_OUT,
  SessionRevocations,
} from "./auth/revocation.ts";
export { DEFAULT_SESSION_TTL_DAYS, tokenFromAuthorizationHeader } from "./auth/tokens.ts";
export { type AppErrorCode, appError, toUserFacingError, type UserFacingError } from "./errors.ts";
export { type BackgroundJobDeps, type JobWorker, startBackgroundJobs } from "./job-worker.ts";
export {
  type AppEventBus,
  type AppSignals,
  type AppTopics,
  CLOSE_FELL_BEHIND,
  createAppEventBus,
  FELL_BEHIND_REASON,
  LiveSocket,
} from "./live-events.ts";
export { OnboardingRunner, type RunnerOptions } from "./onboarding/runner.ts";
export { STEP_ORDER } from "./onboarding/steps.ts";
export { applyCheckoutCompleted } from "./onboarding/webhook.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export { hashSecretToken, newSecretToken } from "./secret-tokens.ts";
export { iceServersSchema } from "./service-session-settings.ts";
export type { Connection, OnboardingRuntime, Services } from "./services.ts";
export { SignalAllowance, type SignalAllowanceOptions } from "./signal-allowance.ts";
export {
  createThrottlePool,
  THROTTLE_BUCKETS,
  Throttle,
  type ThrottleBucket,
  type ThrottleOptions,
} from "./throttle.ts";
export { type Context, createContext, logErrorBeforeContext } from "./trpc.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { wsHandlerOptions } from "./wire-format.ts";
