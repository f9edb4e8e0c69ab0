import { Link } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { useDashboardSession } from "../session/session-provider.tsx";
import { FormError, TextField } from "./form-fields.tsx";
import { useDocumentTitle } from "./use-document-title.ts";

/** Like sign-in, a new account leads on to `returnTo` or home. */
export function SignUpPage({ returnTo }: { returnTo: string | undefined }) {
  useDocumentTitle("Create an account");
  const session = useDashboardSession();
  const signUp = trpc.auth.signUp.useMutation({ onSuccess: (result) => session.signedIn(result.token) });
  const error = signUp.error ? readAppError(signUp.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signUp.mutate({
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Switchboard</p>
        <h1>Create an account</h1>
        <form onSubmit={submit} noValidate aria-busy={signUp.isPending}>
          <FormError message={error?.message} />
          <TextField label="Name" name="name" autoComplete="name" required errors={error?.fieldErrors.name} />
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
            autoComplete="new-password"
            minLength={10}
            required
            hint="Use at least 10 characters."
            errors={error?.fieldErrors.password}
          />
          <button type="submit" disabled={signUp.isPending}>
            {signUp.isPending ? "Creating your account…" : "Create account"}
          </button>
        </form>
        <p className="auth-switch">
          Already have an account?{" "}
          <Link to="/sign-in" search={{ redirect: returnTo }}>
            Sign in
          </Link>
        </p>
      </div>
    </main>
  );
}
