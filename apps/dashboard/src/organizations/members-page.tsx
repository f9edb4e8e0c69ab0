// One organization's members at /organizations/<id>/members: who belongs, with which role.
// Owners and admins invite people by link and remove members, owners change roles, members see
// the list read-only. The API enforces every rule; this page only leaves out what the person
// can't do, and shows the API's own words next to the action it refused.

import { skipToken } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type FormEvent, useId, useState } from "react";
import type { MyOrganization } from "../agents/use-organization.ts";
import { readAppError } from "../api/app-error.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { ConfirmDialog } from "../pages/confirm-dialog.tsx";
import { FormError, SelectField, TextField } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import {
  canChangeRoles,
  canManageMembers,
  invitationLink,
  type Member,
  type MemberRole,
  memberRoles,
  type PendingInvitation,
  roleInSentence,
  roleLabels,
} from "./organization-labels.ts";
import "../pages/personal-list.css";
import "./organizations.css";

export function MembersPage({ organizationId, myUserId }: { organizationId: string; myUserId: string }) {
  const mine = trpc.organizations.mine.useQuery();
  // Set once the person has left: the organization then disappears from `mine`.
  const [left, setLeft] = useState<string | null>(null);
  const organization = left ? undefined : mine.data?.find((candidate) => candidate.id === organizationId);
  const title = organization ? `Members of ${organization.name}` : "Members";
  useDocumentTitle(title);
  return (
    <section aria-labelledby="page-heading" className="members-page">
      <p className="back-link">
        <Link to="/agents">← Agents</Link>
      </p>
      <h1 id="page-heading">{title}</h1>
      {mine.isPending && <p className="loading">Loading…</p>}
      <FormError message={mine.error ? readAppError(mine.error).message : null} />
      {left && (
        <p className="saved-note" role="status">
          You left {left}. Its agents and members are no longer available to you.
        </p>
      )}
      {mine.isSuccess && !organization && !left && <p className="form-error">We couldn't find that organization.</p>}
      {organization && <Members organization={organization} myUserId={myUserId} onLeft={setLeft} />}
    </section>
  );
}

function Members({
  organization,
  myUserId,
  onLeft,
}: {
  organization: MyOrganization;
  myUserId: string;
  onLeft: (organizationName: string) => void;
}) {
  const manage = canManageMembers(organization.role);
  const { members, liveProblem } = useLiveRoster(organization.id);
  return (
    <>
      <LiveUpdatesAlert problem={liveProblem} />
      <p className="lead">
        {manage
          ? "Invite people by link, and decide what each person may do."
          : `You are ${roleInSentence[organization.role]} here. Only owners and admins can invite or change members.`}
      </p>
      {manage && <InvitePanel organization={organization} />}
      <MemberList organization={organization} myUserId={myUserId} members={members} />
      {/* Read after the members (and their lastEventId), so the subscription covers it too. */}
      {manage && members.isSuccess && <PendingInvitations organization={organization} />}
      <LeavePanel organization={organization} myUserId={myUserId} onLeft={onLeft} />
    </>
  );
}

/**
 * The members list, live: it is read with the event id it is current to, and `onRoster` from that
 * id says which list changed, whoever changed it (another admin, an invitee accepting). A change
 * to the members may change this person's own role, so their organizations are read again too.
 * Not useLiveQuery: one subscription drives two queries (members, invitations), and only the
 * members list carries the lastEventId to follow from.
 */
function useLiveRoster(organizationId: string) {
  const utils = trpc.useUtils();
  const members = trpc.organizations.members.useQuery({ organizationId });
  // The first read's position, kept: later reads must not restart the subscription.
  const [from, setFrom] = useState<string | null>(null);
  if (from === null && members.data) setFrom(members.data.lastEventId);
  const refetch = {
    members: () => {
      void utils.organizations.members.invalidate({ organizationId });
      void utils.organizations.mine.invalidate();
    },
    invitations: () => void utils.organizations.invitations.invalidate({ organizationId }),
    // Its name (shown in this page's title, from `mine`); its API keys are not on this page.
    organization: () => void utils.organizations.mine.invalidate(),
    apiKeys: () => {},
  };
  const subscription = trpc.organizations.onRoster.useSubscription(
    from === null ? skipToken : { organizationId, lastEventId: from },
    {
      onData: onLiveMessage({
        resync: () => {
          refetch.members();
          refetch.invitations();
        },
        event: (payload) => refetch[payload.changed](),
      }),
    },
  );
  return { members, liveProblem: liveProblemOf(subscription) };
}

/** Leaving is removing oneself; the API keeps the last owner from leaving and says why. */
function LeavePanel({
  organization,
  myUserId,
  onLeft,
}: {
  organization: MyOrganization;
  myUserId: string;
  onLeft: (organizationName: string) => void;
}) {
  const utils = trpc.useUtils();
  const leave = trpc.organizations.removeMember.useMutation({
    onSuccess: () => {
      onLeft(organization.name);
      void utils.organizations.mine.invalidate();
      // The navigation reads the person's organizations from `auth.me`.
      void utils.auth.me.invalidate();
    },
  });
  return (
    <section aria-labelledby="leave-heading" className="panel">
      <h2 id="leave-heading">Leave this organization</h2>
      <ConfirmDialog
        trigger={
          <button type="button" className="secondary">
            Leave organization
          </button>
        }
        title={`Leave ${organization.name}?`}
        description="You lose access to its agents at once; only an invitation brings you back."
        confirmLabel="Yes, leave"
        pendingLabel="Leaving…"
        onConfirm={() => leave.mutateAsync({ organizationId: organization.id, userId: myUserId })}
      />
    </section>
  );
}

/** The role chosen in a form, as one of the API's roles. */
function roleFrom(value: FormDataEntryValue | string | null): MemberRole {
  return memberRoles.find((role) => role === value) ?? "member";
}

function InvitePanel({ organization }: { organization: MyOrganization }) {
  const utils = trpc.useUtils();
  const [created, setCreated] = useState<{ email: string; link: string; expiresAt: Date } | null>(null);
  const invite = trpc.organizations.invite.useMutation({
    onMutate: () => setCreated(null),
    onSuccess: (result, input) => {
      setCreated({ email: input.email.toLowerCase(), link: invitationLink(result.token), expiresAt: result.expiresAt });
      void utils.organizations.invitations.invalidate({ organizationId: organization.id });
    },
  });
  const error = invite.error ? readAppError(invite.error) : null;
  // Only owners may make owners (the API refuses anyone else).
  const roles: MemberRole[] = organization.role === "owner" ? ["member", "admin", "owner"] : ["member", "admin"];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    invite.mutate(
      { organizationId: organization.id, email: String(form.get("email") ?? ""), role: roleFrom(form.get("role")) },
      { onSuccess: () => formElement.reset() },
    );
  };

  return (
    <section aria-labelledby="invite-heading" className="panel">
      <h2 id="invite-heading">Invite someone</h2>
      {/* noValidate: the server's plain-language field errors are the one set of messages. */}
      <form onSubmit={submit} noValidate aria-busy={invite.isPending} className="invite-form">
        <FormError message={error?.message} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          errors={error?.fieldErrors.email}
        />
        <SelectField
          label="Role"
          name="role"
          defaultValue="member"
          hint="Admins invite and remove members; owners also change roles."
          options={roles.map((role) => ({ value: role, label: roleLabels[role] }))}
          errors={error?.fieldErrors.role}
        />
        <button type="submit" disabled={invite.isPending}>
          {invite.isPending ? "Creating the invitation…" : "Create invitation"}
        </button>
      </form>
      {created && <InvitationLinkField {...created} />}
    </section>
  );
}

/** The new invitation's link, shown once: only its hash is stored, so it can't be shown again. */
function InvitationLinkField({ email, link, expiresAt }: { email: string; link: string; expiresAt: Date }) {
  const id = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyToClipboard = () => {
    setCopy("idle");
    navigator.clipboard.writeText(link).then(
      () => setCopy("copied"),
      () => setCopy("failed"),
    );
  };
  return (
    <div className="invitation-created">
      <div className="field">
        <label htmlFor={id}>Invitation link</label>
        <div className="secret-row">
          <input
            id={id}
            className="secret"
            readOnly
            value={link}
            spellCheck={false}
            aria-describedby={`${id}-note`}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" className="secondary" onClick={copyToClipboard}>
            Copy link
          </button>
        </div>
        <p className="hint" id={`${id}-note`}>
          We don't send emails: send this link to {email} yourself. It works once, for that email, until{" "}
          <time dateTime={expiresAt.toISOString()}>{formatTime(expiresAt)}</time>. Copy it now — it is shown only this
          once.
        </p>
      </div>
      <p className="saved-note" role="status">
        {copy === "copied" ? "Copied" : copy === "failed" ? "Couldn't copy: select the link and copy it yourself." : ""}
      </p>
    </div>
  );
}

function MemberList({
  organization,
  myUserId,
  members,
}: {
  organization: MyOrganization;
  myUserId: string;
  members: ReturnType<typeof useLiveRoster>["members"];
}) {
  const [notice, setNotice] = useState<string | null>(null);
  const manage = canManageMembers(organization.role);
  return (
    <section aria-labelledby="members-heading" className="panel">
      <h2 id="members-heading">Members</h2>
      {notice && (
        <p className="saved-note" role="status">
          {notice}
        </p>
      )}
      {members.isPending && <p className="loading">Loading members…</p>}
      <FormError message={members.error ? readAppError(members.error).message : null} />
      {members.data && (
        <table className="members-table cards-on-phone" aria-labelledby="members-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {manage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.data.members.map((member) => (
              // Keyed by role too: a changed role starts the row afresh, its menu on the new role.
              <MemberRow
                key={`${member.userId}:${member.role}`}
                organization={organization}
                member={member}
                isMe={member.userId === myUserId}
                onChanged={setNotice}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function MemberRow({
  organization,
  member,
  isMe,
  onChanged,
}: {
  organization: MyOrganization;
  member: Member;
  isMe: boolean;
  onChanged: (notice: string) => void;
}) {
  const utils = trpc.useUtils();
  const [chosenRole, setChosenRole] = useState<MemberRole>(member.role);
  const changeRole = trpc.organizations.changeRole.useMutation({
    onMutate: () => {
      remove.reset();
    },
    onSuccess: (result) => {
      onChanged(`${isMe ? "You are" : `${member.name} is`} now ${roleInSentence[result.role]}.`);
      void utils.organizations.members.invalidate({ organizationId: organization.id });
      // Changing one's own role changes what this page (and the agents pages) let one do.
      if (isMe) void utils.organizations.mine.invalidate();
    },
  });
  const remove = trpc.organizations.removeMember.useMutation({
    onMutate: () => {
      changeRole.reset();
    },
    onSuccess: () => {
      onChanged(`${member.name} was removed from ${organization.name}.`);
      void utils.organizations.members.invalidate({ organizationId: organization.id });
    },
  });
  const roleSelectId = useId();
  // A refused removal is shown inside its dialog.
  const error = changeRole.error;
  const manage = canManageMembers(organization.role);
  // Admins can't remove owners (the API says so); nobody removes themselves from this list.
  const removable = manage && !isMe && (member.role !== "owner" || organization.role === "owner");

  const submitRole = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    changeRole.mutate({ organizationId: organization.id, userId: member.userId, role: chosenRole });
  };

  return (
    <tr>
      <th scope="row">
        {member.name}
        {isMe && <span className="member-you"> (you)</span>}
      </th>
      <td>{member.email}</td>
      <td>
        {canChangeRoles(organization.role) ? (
          <form className="role-form" onSubmit={submitRole} aria-busy={changeRole.isPending}>
            <label htmlFor={roleSelectId} className="visually-hidden">
              Role for {member.name}
            </label>
            <select
              id={roleSelectId}
              value={chosenRole}
              onChange={(event) => setChosenRole(roleFrom(event.target.value))}
            >
              {memberRoles.map((role) => (
                <option key={role} value={role}>
                  {roleLabels[role]}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary" disabled={changeRole.isPending || chosenRole === member.role}>
              {changeRole.isPending ? "Changing…" : "Change role"}
            </button>
          </form>
        ) : (
          roleLabels[member.role]
        )}
      </td>
      {manage && (
        <td className="member-actions">
          {removable && (
            <ConfirmDialog
              trigger={
                <button type="button" className="secondary" aria-label={`Remove ${member.name}`}>
                  Remove
                </button>
              }
              title={`Remove ${member.name} from ${organization.name}?`}
              description="They lose access to its agents and members at once; only a new invitation brings them back."
              confirmLabel="Yes, remove"
              pendingLabel="Removing…"
              onConfirm={() => remove.mutateAsync({ organizationId: organization.id, userId: member.userId })}
            />
          )}
          <FormError message={error ? readAppError(error).message : null} />
        </td>
      )}
    </tr>
  );
}

function PendingInvitations({ organization }: { organization: MyOrganization }) {
  const invitations = trpc.organizations.invitations.useQuery({ organizationId: organization.id });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="invitations-heading" className="panel">
      <h2 id="invitations-heading">Pending invitations</h2>
      {notice && (
        <p className="saved-note" role="status">
          {notice}
        </p>
      )}
      {invitations.isPending && <p className="loading">Loading invitations…</p>}
      <FormError message={invitations.error ? readAppError(invitations.error).message : null} />
      {invitations.data?.length === 0 && <p className="empty-state">No invitations are waiting to be accepted.</p>}
      {invitations.data && invitations.data.length > 0 && (
        <ul className="personal-list" aria-labelledby="invitations-heading">
          {invitations.data.map((invitation) => (
            <PendingInvitationItem
              key={invitation.invitationId}
              organizationId={organization.id}
              invitation={invitation}
              onRevoked={setNotice}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function PendingInvitationItem({
  organizationId,
  invitation,
  onRevoked,
}: {
  organizationId: string;
  invitation: PendingInvitation;
  onRevoked: (notice: string) => void;
}) {
  const utils = trpc.useUtils();
  const revoke = trpc.organizations.revokeInvitation.useMutation({
    onSuccess: () => {
      onRevoked(`The invitation for ${invitation.email} was withdrawn; its link no longer works.`);
      void utils.organizations.invitations.invalidate({ organizationId });
    },
  });
  return (
    <li data-status={invitation.expired ? "expired" : "pending"}>
      <strong>{invitation.email}</strong>
      <span>{roleLabels[invitation.role]}</span>
      <span className="invitation-meta">
        {invitation.expired ? "Expired " : "Expires "}
        <time dateTime={invitation.expiresAt.toISOString()}>{formatTime(invitation.expiresAt)}</time>
        {invitation.invitedBy && ` · invited by ${invitation.invitedBy}`}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={revoke.isPending}
        onClick={() => revoke.mutate({ organizationId, invitationId: invitation.invitationId })}
      >
        {revoke.isPending ? "Withdrawing…" : "Withdraw"}
      </button>
      <FormError message={revoke.error ? readAppError(revoke.error).message : null} />
    </li>
  );
}
