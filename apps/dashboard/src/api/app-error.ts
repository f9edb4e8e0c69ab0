// What the dashboard shows for a failed call. The server already words `message` for people
// and adds a stable `appCode` and zod `fieldErrors`; a failure that never reached the server
// (network down, server restarting) has neither, so it gets its own plain sentence.
import type { AppRouter } from "@switchboard/api";
import { TRPCClientError } from "@trpc/client";
import { offlineMessage, wasRefusedOffline } from "./offline-refusal.ts";

export interface AppErrorView {
  message: string;
  appCode: string | null;
  fieldErrors: Record<string, string[]>;
}

const unreachableMessage = "We couldn't reach Switchboard. Check your connection and try again.";

export function readAppError(error: unknown): AppErrorView {
  if (wasRefusedOffline(error)) {
    return { message: offlineMessage, appCode: null, fieldErrors: {} };
  }
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data) {
      return { message: error.message, appCode: data.appCode ?? null, fieldErrors: data.fieldErrors ?? {} };
    }
  }
  return { message: unreachableMessage, appCode: null, fieldErrors: {} };
}

/**
 * The call never got an answer from the server: refused while offline, or the network or server
 * was down. Such an error says nothing about the call itself, so it is cleared once the
 * connection is back (outage-recovery.ts).
 */
export function isOutageError(error: unknown): boolean {
  return error instanceof TRPCClientError && !(error as TRPCClientError<AppRouter>).data;
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
