import { authedProcedure, publicProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { describeAccount, signIn, signOut, signUp } from "./service.ts";

// Normalised before validating, so " Ada@Example.COM " and "ada@example.com" are one account.
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: "Enter a valid email address." }));

export const signUpInput = z.strictObject({
  email,
  password: z.string().min(10, { error: "Use at least 10 characters for your password." }).max(200),
  name: z.string().trim().min(1, { error: "Enter your name." }).max(100),
});

export const signInInput = z.strictObject({
  email,
  password: z.string().min(1, { error: "Enter your password." }).max(200),
});

export const authRouter = router({
  signUp: publicProcedure
    .input(signUpInput)
    .mutation(({ ctx, input }) => signUp(ctx.db, input, { ttlDays: ctx.sessionTtlDays })),
  signIn: publicProcedure
    .input(signInInput)
    .mutation(({ ctx, input }) => signIn(ctx.db, input, { ttlDays: ctx.sessionTtlDays })),
  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.session.id);
    return { signedOut: true };
  }),
  me: authedProcedure.query(({ ctx }) => describeAccount(ctx.db, ctx.user.id)),
});
