// What the dashboard shows for a failed call. The server already words `message` for people
// and adds a stable `appCode` and zod `fieldErrors`; a failure that never reached the server
// (network down, server restarting) has neither, so it gets its own plain sentence.
import type { AppRouter } from "@switchboard/api";
import { TRPCClientError } from "@trpc/client";

export interface AppErrorView {
  message: string;
  appCode: string | null;
  fieldErrors: Record<string, string[]>;
}

const unreachableMessage = "We couldn't reach Switchboard. Check your connection and try again.";

export function readAppError(error: unknown): AppErrorView {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data) {
      return { message: error.message, appCode: data.appCode ?? null, fieldErrors: data.fieldErrors ?? {} };
    }
  }
  return { message: unreachableMessage, appCode: null, fieldErrors: {} };
}

/** The session token is missing, unknown or expired: the person has to sign in again. */
export function isSignedOutError(error: unknown): boolean {
  const { appCode } = readAppError(error);
  return appCode === "UNAUTHENTICATED" || appCode === "SESSION_EXPIRED";
}

/** Client mistakes (4xx) will fail the same way again; only retry what might be transient. */
export function isWorthRetrying(error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error as TRPCClientError<AppRouter>).data?.httpStatus;
    if (typeof status === "number" && status >= 400 && status < 500) return false;
  }
  return true;
}
