// An invitation link, /invitations/<token>: who invited the signed-in person to which
// organization, and the button to join. A link that can't be used says why in words: unknown
// or withdrawn, expired, already used, or meant for another email (with the way to switch).
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { useOrganization } from "../agents/use-organization.ts";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { useDashboardSession } from "../session/session-provider.tsx";
import { type InvitationView, roleInSentence } from "./organization-labels.ts";

const notFound = "This invitation link isn't valid. Check that the whole link was copied, or ask for a new one.";

export function InvitationPage({ token, myEmail }: { token: string; myEmail: string }) {
  const invitation = trpc.organizations.invitation.useQuery({ token }, { retry: false });
  return (
    <LoadedPage
      query={invitation}
      title="Invitation"
      loading="Reading the invitation…"
      notFound={notFound}
      back={{ to: "/agents", label: "Go to Agents" }}
    >
      {(view) => <Invitation token={token} view={view} myEmail={myEmail} />}
    </LoadedPage>
  );
}

function Invitation({ token, view, myEmail }: { token: string; view: InvitationView; myEmail: string }) {
  const title = `Join ${view.organizationName}`;
  useDocumentTitle(title);
  const utils = trpc.useUtils();
  const { choose } = useOrganization();
  const accept = trpc.organizations.acceptInvitation.useMutation({
    onSuccess: (result) => {
      // The Agents pages open on the organization just joined.
      choose(result.organizationId);
      void utils.organizations.mine.invalidate();
      void utils.auth.me.invalidate();
    },
  });

  let body: ReactNode;
  if (accept.isSuccess) {
    body = (
      <>
        <p className="saved-note" role="status">
          You joined {accept.data.organizationName} as {roleInSentence[view.role]}.
        </p>
        <NextSteps organizationId={view.organizationId} />
      </>
    );
  } else if (view.state === "accepted") {
    body = view.alreadyMember ? (
      <>
        <p>You are already a member of {view.organizationName}; this invitation has been used.</p>
        <NextSteps organizationId={view.organizationId} />
      </>
    ) : (
      <p className="form-error">This invitation has already been used. Ask for a new one if you still need to join.</p>
    );
  } else if (view.state === "expired") {
    body = (
      <p className="form-error">
        This invitation expired on <time dateTime={view.expiresAt.toISOString()}>{formatTime(view.expiresAt)}</time>.
        Ask
        {view.invitedBy ? ` ${view.invitedBy}` : " an owner or admin of the organization"} for a new one.
      </p>
    );
  } else if (!view.forSignedInPerson) {
    body = <WrongAccount invitedEmail={view.email} myEmail={myEmail} />;
  } else {
    body = (
      <>
        <p className="lead">
          {view.invitedBy ?? "Someone"} invited you to join {view.organizationName} as {roleInSentence[view.role]}.
        </p>
        <p className="hint">
          The invitation is valid until{" "}
          <time dateTime={view.expiresAt.toISOString()}>{formatTime(view.expiresAt)}</time>.
        </p>
        <FormError message={accept.error ? readAppError(accept.error).message : null} />
        <button type="button" disabled={accept.isPending} onClick={() => accept.mutate({ token })}>
          {accept.isPending ? "Joining…" : "Accept invitation"}
        </button>
      </>
    );
  }

  return (
    <section aria-labelledby="page-heading" className="invitation-page">
      <h1 id="page-heading">{title}</h1>
      {body}
    </section>
  );
}

function NextSteps({ organizationId }: { organizationId: string }) {
  return (
    <ul className="next-steps">
      <li>
        <Link to="/agents">Go to Agents</Link>
      </li>
      <li>
        <Link to="/organizations/$organizationId/members" params={{ organizationId }}>
          See the members
        </Link>
      </li>
    </ul>
  );
}

/** The invitation names another email: signing out keeps this address, so signing in again comes back here. */
function WrongAccount({ invitedEmail, myEmail }: { invitedEmail: string; myEmail: string }) {
  const session = useDashboardSession();
  const signOut = trpc.auth.signOut.useMutation({ onSettled: () => session.signedOut() });
  return (
    <>
      <p className="form-error">
        This invitation is for {invitedEmail}, but you are signed in as {myEmail}. Sign in with {invitedEmail} to accept
        it.
      </p>
      <button type="button" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
        {signOut.isPending ? "Signing out…" : `Sign out and use ${invitedEmail}`}
      </button>
    </>
  );
}
