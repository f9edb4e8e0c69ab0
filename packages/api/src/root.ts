import { agentsRouter } from "./agents/router.ts";
import { authRouter } from "./auth/router.ts";
import { coachingRouter } from "./coaching/router.ts";
import { onboardingRouter } from "./onboarding/router.ts";
import { organizationsRouter } from "./organizations/router.ts";
import { requestsRouter } from "./requests/router.ts";
import { sessionsRouter } from "./sessions/router.ts";
import { systemRouter } from "./system-router.ts";
import { createCallerFactory, router } from "./trpc.ts";

/** Every product's router; the dashboard's types come from this one object. */
export const appRouter = router({
  auth: authRouter,
  requests: requestsRouter,
  sessions: sessionsRouter,
  onboarding: onboardingRouter,
  organizations: organizationsRouter,
  agents: agentsRouter,
  coaching: coachingRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls without HTTP (seed scripts, tests): `createCaller(await createContext(...))`. */
export const createCaller = createCallerFactory(appRouter);
