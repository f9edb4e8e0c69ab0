// What the API needs from the process it runs in, in two parts. `Services` is built once per
// process (apps/server/src/main.ts; tests build theirs in one factory) and shared by every call;
// a `Connection` is what one HTTP request or WebSocket brings. createContext(services, connection)
// joins them. The types here are the shared mechanism every product meets at, so trpc.ts and the
// products import them from here rather than from each other.
import type { Database } from "@switchboard/db";
import type { StripeClient } from "@switchboard/integrations";
import type pino from "pino";
import type { AiRuntime } from "./ai/runtime.ts";
import type { JobQueue } from "./job-queue.ts";
import type { AppEventBus, LiveConnection } from "./live-events.ts";
import type { ServiceSessionSettings } from "./service-session-settings.ts";
import type { SignalAllowance } from "./signal-allowance.ts";
import type { Throttle } from "./throttle.ts";

/** What the onboarding procedures need: the payment provider, the dashboard's URL, the runner. */
export interface OnboardingRuntime {
  stripe: StripeClient | null;
  /** The dashboard's public base URL, e.g. https://app.example.com. */
  publicUrl: string;
  /** Asks this process's runner to run the session now (other instances find it by polling). */
  kick(sessionId: string): void;
}

export interface Services {
  db: Database;
  /** The process's one logger (apps/server/src/logger.ts, with its redaction rules). */
  log: pino.Logger;
  /** The event bus: the one way anything is pushed to clients. */
  events: AppEventBus;
  /** Payments and the pipeline runner of this process (null or left out: onboarding is not served here). */
  onboarding?: OnboardingRuntime | null;
  /** The AI runtime (null or left out: AI features are off and say so). */
  ai?: AiRuntime | null;
  /** The background job queue (null or left out: no job worker runs here, so nothing is queued). */
  jobs?: JobQueue | null;
  /** Throttling shared by every instance (null or left out: no limits, for server-side callers and tests). */
  throttle?: Throttle | null;
  /** Service sessions' join deadline and video ICE servers (left out: 5 minutes, no ICE servers). */
  serviceSessions?: ServiceSessionSettings | null;
  /** How many ephemeral signals a connection may send (left out: the process's default, 20/s burst 40). */
  signalAllowance?: SignalAllowance | undefined;
  /** Lifetime of sessions created by sign-up and sign-in (default 30 days). */
  sessionTtlDays?: number | undefined;
  /** Called when a procedure met a missing table or column (the server re-checks its schema now). */
  onSchemaMissing?: (() => void) | undefined;
}

/** What one HTTP request or one WebSocket brings. */
export interface Connection {
  /** The bearer token: HTTP `Authorization` header or WebSocket `connectionParams.token`. */
  token: string | null;
  requestId: string;
  /** Who is calling, from the transport: the browser's Origin header and the peer address. */
  client?: { origin: string | null; ip: string | null };
  /** The WebSocket this context belongs to (null or left out over HTTP). */
  socket?: LiveConnection | null;
}
