import { appError } from "../errors.ts";
import { text } from "../input-types.ts";
import { authedProcedure, clientKey, middleware, publicProcedure, router, throttledByClient } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { describeAccount, signIn, signOut, signUp } from "./service.ts";

// Normalised before validating, so " Ada@Example.COM " and "ada@example.com" are one account.
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: "Enter a valid email address." }));

const signUpInput = z.strictObject({
  email,
  password: z.string().min(10, { error: "Use at least 10 characters for your password." }).max(200),
  name: text({ max: 100, min: 1, tooShort: "Enter your name." }),
});

const signInInput = z.strictObject({
  email,
  password: z.string().min(1, { error: "Enter your password." }).max(200),
});

/**
 * Sign-in and sign-up travel over HTTP only, one per request: a WebSocket message may carry an
 * array of calls, which would be a batch of password guesses the HTTP edge refuses.
 */
const oneAttemptPerRequest = middleware(({ ctx, next }) => {
  if (ctx.connection) {
    throw appError("VALIDATION_FAILED", "Sign in and sign up through the web page, not over a live connection.");
  }
  return next();
});

export const authRouter = router({
  signUp: publicProcedure
    .use(oneAttemptPerRequest)
    .use(throttledByClient("signUpClient"))
    .input(signUpInput)
    .mutation(({ ctx, input }) => signUp(ctx.db, input, { ttlDays: ctx.sessionTtlDays })),
  signIn: publicProcedure
    .use(oneAttemptPerRequest)
    .input(signInInput)
    .mutation(async ({ ctx, input }) => {
      // Counted before the password is checked, so parallel guesses are each counted (throttle.ts).
      const attempt = await ctx.throttle?.signInAttempt(input.email, clientKey(ctx));
      const signedIn = await signIn(ctx.db, input, { ttlDays: ctx.sessionTtlDays });
      await attempt?.succeeded();
      return signedIn;
    }),
  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.events, { sessionId: ctx.session.id, userId: ctx.user.id });
    return { signedOut: true };
  }),
  me: authedProcedure.query(({ ctx }) => describeAccount(ctx.db, ctx.user.id)),
});
