// For tests: a real tRPC client whose `fetch` is served in-process by the fetch adapter, so
// every call goes through HTTP encoding, createContext and the error formatter exactly as in
// production, without opening a port.
import { randomUUID } from "node:crypto";
import type { Database } from "@switchboard/db";
import { createTRPCClient, httpLink, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import pino from "pino";
import superjson from "superjson";
import type { AiRuntime } from "../src/ai/runtime.ts";
import { tokenFromAuthorizationHeader } from "../src/auth/tokens.ts";
import type { JobQueue } from "../src/job-queue.ts";
import type { AppEventBus } from "../src/live-events.ts";
import type { AppRouter } from "../src/root.ts";
import type { OnboardingRuntime } from "../src/services.ts";
import { createContext, logErrorBeforeContext } from "../src/trpc.ts";
import { testServices } from "./services.ts";

export interface TestApiOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  db: Database;
  log?: pino.Logger;
  sessionTtlDays?: number;
  /** Needed by procedures that publish or subscribe; tests of other procedures may leave it out. */
  events?: AppEventBus;
  onboarding?: OnboardingRuntime;
  ai?: AiRuntime;
  /** Where procedures queue background jobs (left out: nothing is queued). */
  jobs?: JobQueue;
  /** The Origin header the in-process "browser" sends (agents' domain checks). */
  origin?: string;
}

/** Stands in for the bus in tests that never publish: any use says so plainly. */
const noEventBus = new Proxy({} as AppEventBus, {
  get(_, property) {
    throw new Error(`this test API was created without an event bus (used: ${String(property)})`);
  },
});

export interface CapturedLog {
  log: pino.Logger;
  entries: Record<string, unknown>[];
}

/** A pino logger that keeps its JSON lines in memory, so tests can read what was logged. */
export function captureLog(): CapturedLog {
  const entries: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => entries.push(JSON.parse(line)) });
  return { log, entries };
}

export function createTestApi<TRouter extends AnyTRPCRouter>(options: TestApiOptions<TRouter>) {
  const services = testServices({
    db: options.db,
    log: options.log,
    sessionTtlDays: options.sessionTtlDays,
    events: options.events ?? noEventBus,
    onboarding: options.onboarding ?? null,
    ai: options.ai ?? null,
    jobs: options.jobs ?? null,
  });
  const handle = (request: Request) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: options.router,
      onError: ({ error, ctx, path }) => logErrorBeforeContext(services.log, { error, ctx, path }),
      createContext: ({ req }) =>
        createContext(services, {
          token: tokenFromAuthorizationHeader(req.headers.get("authorization")),
          requestId: randomUUID(),
          client: { origin: req.headers.get("x-test-origin") ?? options.origin ?? null, ip: "127.0.0.1" },
        }),
    });
  /** A client sending `authorization` exactly as given (a token becomes `Bearer <token>`). */
  /** `origin`: the Origin a browser on that website would send (agents' domain checks). */
  return function client(auth: { token: string } | { authorization: string } | null = null, origin?: string) {
    const authorization = auth === null ? null : "token" in auth ? `Bearer ${auth.token}` : auth.authorization;
    // Every router here is built by the same initTRPC (superjson), so AppRouter's link type fits them all.
    const link = httpLink<AppRouter>({
      url: "http://switchboard.test/trpc",
      transformer: superjson,
      headers: () => ({
        ...(authorization ? { authorization } : {}),
        ...(origin ? { "x-test-origin": origin } : {}),
      }),
      fetch: (input, init) => handle(new Request(input as string | URL | Request, init as RequestInit)),
    }) as unknown as TRPCLink<TRouter>;
    return createTRPCClient<TRouter>({ links: [link] });
  };
}

/**
 * For tests: what a failed call tells its caller — the tRPC code, the stable appCode, the
 * message and field errors — from a client error (formatted shape) or a server-side caller's
 * TRPCError. Throws when the call did not fail.
 */
export async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code?: string; data?: unknown };
    const data = e.data as { code?: string; appCode?: string; fieldErrors?: Record<string, string[]> } | undefined;
    return { code: data?.code ?? e.code, appCode: data?.appCode, message: e.message, fieldErrors: data?.fieldErrors };
  }
  throw new Error("expected the call to fail");
}
