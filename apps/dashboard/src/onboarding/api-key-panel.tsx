// The new organization's API key. Its secret can be shown once, within a 2-hour window: the
// server erases it as it hands it over, so it lives only in this component's state — never in
// the query cache — and is gone when the person leaves the page. After that only its
// fingerprint is shown, to recognise it by.

import { Link } from "@tanstack/react-router";
import { type ReactNode, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { RevealedApiKey } from "../pages/revealed-api-key.tsx";
import { formatTime, type OnboardingView } from "./onboarding-labels.ts";

type ApiKeyView = NonNullable<OnboardingView["apiKey"]>;

export function ApiKeyPanel({
  sessionId,
  organizationId,
  apiKey,
}: {
  sessionId: string;
  /** The organization the onboarding set up, whose settings make new keys. */
  organizationId: string | null;
  apiKey: ApiKeyView;
}) {
  const settings = <OrganizationSettingsLink organizationId={organizationId} />;
  const [revealed, setRevealed] = useState<{ secret: string; fingerprint: string } | null>(null);
  const reveal = trpc.onboarding.revealApiKey.useMutation({ onSuccess: (result) => setRevealed(result) });
  const revealError = reveal.error ? readAppError(reveal.error).message : null;

  let body: ReactNode;
  if (revealed) {
    body = <RevealedApiKey secret={revealed.secret} fingerprint={revealed.fingerprint} />;
  } else if (apiKey.revealed) {
    body = (
      <>
        <Fingerprint fingerprint={apiKey.fingerprint} />
        <p>
          This key was already shown once, so we can't show it again. If you lost it, create a new key in {settings}.
        </p>
      </>
    );
  } else if (!apiKey.revealExpiresAt || apiKey.revealExpiresAt.getTime() <= Date.now()) {
    body = (
      <>
        <Fingerprint fingerprint={apiKey.fingerprint} />
        <p>The 2 hours to view this key have passed. Create a new key in {settings}.</p>
      </>
    );
  } else {
    body = (
      <>
        <p>
          You can view this key until{" "}
          <time dateTime={apiKey.revealExpiresAt.toISOString()}>{formatTime(apiKey.revealExpiresAt)}</time>; we never
          show it again.
        </p>
        <FormError message={revealError} />
        <button
          type="button"
          disabled={reveal.isPending}
          onClick={() => {
            reveal.mutate({ sessionId });
          }}
        >
          {reveal.isPending ? "Showing…" : "Show API key"}
        </button>
      </>
    );
  }

  return (
    <section aria-labelledby="api-key-heading" className="panel api-key-panel">
      <h2 id="api-key-heading">Your API key</h2>
      {body}
    </section>
  );
}

function OrganizationSettingsLink({ organizationId }: { organizationId: string | null }) {
  if (!organizationId) return <>your organization's settings</>;
  return (
    <Link to="/organizations/$organizationId/settings" params={{ organizationId }}>
      your organization's settings
    </Link>
  );
}

function Fingerprint({ fingerprint }: { fingerprint: string }) {
  return (
    <p>
      Key fingerprint: <code className="fingerprint">{fingerprint}</code>
    </p>
  );
}
