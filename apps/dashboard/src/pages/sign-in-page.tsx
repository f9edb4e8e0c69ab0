import { Link } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useDashboardSession } from "../session/session-provider.tsx";
import { FormError, TextField } from "./form-fields.tsx";
import { useDocumentTitle } from "./use-document-title.ts";

/**
 * Signing in changes the session; the router then re-checks /sign-in, which leads on to
 * `returnTo` (the address a signed-out visit asked for) or home.
 */
export function SignInPage({ notice, returnTo }: { notice: string | null; returnTo: string | undefined }) {
  useDocumentTitle("Sign in");
  const session = useDashboardSession();
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: (result) => session.signedIn(result.token) });
  const error = signIn.error ? readAppError(signIn.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Switchboard</p>
        <h1>Sign in</h1>
        {notice && !error && <p className="notice">{notice}</p>}
        {/* noValidate: the server's plain-language field errors are the one set of messages. */}
        <form onSubmit={submit} noValidate aria-busy={signIn.isPending}>
          <FormError message={error?.message} />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            errors={error?.fieldErrors.email}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            errors={error?.fieldErrors.password}
          />
          <button type="submit" disabled={signIn.isPending}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p className="auth-switch">
          New to Switchboard?{" "}
          <Link to="/sign-up" search={{ redirect: returnTo }}>
            Create an account
          </Link>
        </p>
      </div>
    </main>
  );
}
