// One organization's settings at /organizations/<id>/settings: its name (owners and admins
// rename it), its plan, its members (the count, and the way to the members page) and its API
// keys — listed by fingerprint and last use, a new one created and shown once, an old one
// revoked after a confirmation. Every member sees the page; what they can't do is left out, and
// the API enforces it anyway. Live: another admin's new key, revocation or rename shows here
// without a reload.
import { Link } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { ConfirmDialog } from "../pages/confirm-dialog.tsx";
import { FormError, TextField } from "../pages/form-fields.tsx";
import { formatTime } from "../pages/format-time.ts";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { LoadedPage } from "../pages/loaded-page.tsx";
import { RevealedApiKey } from "../pages/revealed-api-key.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import {
  type ApiKeyListItem,
  canManageSettings,
  type OrganizationSettings,
  roleInSentence,
  roleLabels,
} from "./organization-labels.ts";
import "./settings-page.css";

const planLabels: Record<OrganizationSettings["plan"], string> = {
  starter: "Starter",
  growth: "Growth",
  enterprise: "Enterprise",
};

export function OrganizationSettingsPage({ organizationId }: { organizationId: string }) {
  const settings = trpc.organizations.settings.useQuery({ organizationId }, { retry: false });
  return (
    <LoadedPage
      query={settings}
      title="Organization settings"
      loading="Loading the organization's settings…"
      notFound="We couldn't find that organization."
      back={{ to: "/agents", label: "Go to Agents" }}
    >
      {(view) => <Settings view={view} />}
    </LoadedPage>
  );
}

function Settings({ view }: { view: OrganizationSettings }) {
  const title = `Settings of ${view.name}`;
  useDocumentTitle(title);
  const liveProblem = useLiveSettings(view);
  const manage = canManageSettings(view.myRole);
  return (
    <section aria-labelledby="page-heading" className="settings-page">
      <p className="back-link">
        <Link to="/agents">← Agents</Link>
      </p>
      <h1 id="page-heading">{title}</h1>
      <LiveUpdatesAlert problem={liveProblem} />
      <p className="lead">
        {manage
          ? "Rename the organization and manage the API keys its systems call Switchboard with."
          : `You are ${roleInSentence[view.myRole]} here. Only owners and admins can change these settings.`}
      </p>
      <OrganizationPanel view={view} manage={manage} />
      <section aria-labelledby="members-heading" className="panel">
        <h2 id="members-heading">Members</h2>
        <p>
          {view.memberCount === 1 ? "1 person belongs" : `${view.memberCount} people belong`} to {view.name}.{" "}
          <Link to="/organizations/$organizationId/members" params={{ organizationId: view.organizationId }}>
            {manage ? "Manage members" : "See the members"} ({view.memberCount})
          </Link>
        </p>
      </section>
      <ApiKeysPanel organizationId={view.organizationId} manage={manage} />
    </section>
  );
}

/**
 * Follows the organization's topic from the settings' own lastEventId (the first read's,
 * kept so later reads don't restart it): a rename or a member change reads the settings again,
 * a key change the key list. The key list is read after the settings, so nothing falls between.
 */
function useLiveSettings(view: OrganizationSettings) {
  const utils = trpc.useUtils();
  const { organizationId } = view;
  const [from] = useState(view.lastEventId);
  const refetch = {
    organization: () => {
      void utils.organizations.settings.invalidate({ organizationId });
      // The name is shown in the navigation and on the Agents page too.
      void utils.organizations.mine.invalidate();
      void utils.auth.me.invalidate();
    },
    members: () => {
      void utils.organizations.settings.invalidate({ organizationId });
    },
    apiKeys: () => void utils.organizations.apiKeys.list.invalidate({ organizationId }),
    invitations: () => {},
  };
  const subscription = trpc.organizations.onRoster.useSubscription(
    { organizationId, lastEventId: from },
    {
      onData: onLiveMessage({
        resync: () => {
          refetch.organization();
          refetch.apiKeys();
        },
        event: (payload) => refetch[payload.changed](),
      }),
    },
  );
  return liveProblemOf(subscription);
}

function OrganizationPanel({ view, manage }: { view: OrganizationSettings; manage: boolean }) {
  return (
    <section aria-labelledby="organization-heading" className="panel">
      <h2 id="organization-heading">Organization</h2>
      {manage && <RenameForm view={view} />}
      <dl className="settings-facts">
        {!manage && (
          <div>
            <dt>Name</dt>
            <dd>{view.name}</dd>
          </div>
        )}
        <div>
          <dt>Plan</dt>
          <dd>{planLabels[view.plan]}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={view.createdAt.toISOString()}>{formatTime(view.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Your role</dt>
          <dd>{roleLabels[view.myRole]}</dd>
        </div>
      </dl>
    </section>
  );
}

function RenameForm({ view }: { view: OrganizationSettings }) {
  const utils = trpc.useUtils();
  const [saved, setSaved] = useState<string | null>(null);
  const rename = trpc.organizations.rename.useMutation({
    onMutate: () => setSaved(null),
    onSuccess: (result) => {
      setSaved(`Renamed to ${result.name}.`);
      void utils.organizations.settings.invalidate({ organizationId: view.organizationId });
      void utils.organizations.mine.invalidate();
      void utils.auth.me.invalidate();
    },
  });
  const error = rename.error ? readAppError(rename.error) : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    rename.mutate({ organizationId: view.organizationId, name });
  };
  return (
    // noValidate: the server's plain-language field errors are the one set of messages.
    <form onSubmit={submit} noValidate aria-busy={rename.isPending} className="rename-form">
      <FormError message={error && Object.keys(error.fieldErrors).length === 0 ? error.message : null} />
      {/* Keyed by the name, so a rename from elsewhere (live) refreshes the field. */}
      <TextField
        key={view.name}
        label="Name"
        name="name"
        defaultValue={view.name}
        autoComplete="organization"
        maxLength={100}
        required
        errors={error?.fieldErrors.name}
      />
      <button type="submit" disabled={rename.isPending}>
        {rename.isPending ? "Saving…" : "Save name"}
      </button>
      <p className="saved-note" role="status">
        {saved}
      </p>
    </form>
  );
}

function ApiKeysPanel({ organizationId, manage }: { organizationId: string; manage: boolean }) {
  const keys = trpc.organizations.apiKeys.list.useQuery({ organizationId });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="api-keys-heading" className="panel">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="hint">
        Your systems call Switchboard with an API key. We keep only a fingerprint of each key, so a key is shown once,
        when it is created.
      </p>
      {manage && <CreateKeyForm organizationId={organizationId} onCreated={() => setNotice(null)} />}
      <p className="saved-note" role="status">
        {notice}
      </p>
      {keys.isPending && <p className="loading">Loading the keys…</p>}
      <FormError message={keys.error ? readAppError(keys.error).message : null} />
      {keys.data?.length === 0 && <p className="empty-state">This organization has no API keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <ul className="api-key-list" aria-label="Keys">
          {keys.data.map((key) => (
            <ApiKeyItem
              key={key.apiKeyId}
              organizationId={organizationId}
              apiKey={key}
              manage={manage}
              onRevoked={setNotice}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateKeyForm({ organizationId, onCreated }: { organizationId: string; onCreated: () => void }) {
  const utils = trpc.useUtils();
  // The new key's secret lives only here (never in the query cache), and is gone with the page.
  const [created, setCreated] = useState<{ name: string; secret: string; fingerprint: string } | null>(null);
  const create = trpc.organizations.apiKeys.create.useMutation({
    onMutate: () => setCreated(null),
    onSuccess: (result) => {
      setCreated(result);
      onCreated();
      void utils.organizations.apiKeys.list.invalidate({ organizationId });
    },
  });
  const error = create.error ? readAppError(create.error) : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("name") ?? "");
    create.mutate({ organizationId, name }, { onSuccess: () => formElement.reset() });
  };
  return (
    <div className="create-key">
      <form onSubmit={submit} noValidate aria-busy={create.isPending} className="create-key-form">
        <FormError message={error && Object.keys(error.fieldErrors).length === 0 ? error.message : null} />
        <TextField
          label="New key's name"
          name="name"
          autoComplete="off"
          maxLength={100}
          required
          hint="Name it after what will use it, e.g. “Website chat” or “CRM sync”."
          errors={error?.fieldErrors.name}
        />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating the key…" : "Create key"}
        </button>
      </form>
      {created && (
        <div className="created-key">
          <p>
            The key <strong>{created.name}</strong> was created.
          </p>
          <RevealedApiKey secret={created.secret} fingerprint={created.fingerprint} />
        </div>
      )}
    </div>
  );
}

function ApiKeyItem({
  organizationId,
  apiKey,
  manage,
  onRevoked,
}: {
  organizationId: string;
  apiKey: ApiKeyListItem;
  manage: boolean;
  onRevoked: (notice: string) => void;
}) {
  const utils = trpc.useUtils();
  const revoke = trpc.organizations.apiKeys.revoke.useMutation({
    onSuccess: () => {
      onRevoked(`The key ${apiKey.name} was revoked; calls made with it are refused from now on.`);
    },
    // A refusal (revoked meanwhile by someone else) means the list is out of date too.
    onSettled: () => void utils.organizations.apiKeys.list.invalidate({ organizationId }),
  });
  const revoked = apiKey.revokedAt !== null;
  return (
    <li className="api-key-item" data-status={revoked ? "revoked" : "active"}>
      <div className="api-key-name">
        <strong>{apiKey.name}</strong> <code className="fingerprint">{apiKey.fingerprint}</code>
      </div>
      <div className="api-key-meta">
        Created <time dateTime={apiKey.createdAt.toISOString()}>{formatTime(apiKey.createdAt)}</time>
        {" · "}
        {apiKey.lastUsedAt ? (
          <>
            last used <time dateTime={apiKey.lastUsedAt.toISOString()}>{formatTime(apiKey.lastUsedAt)}</time>
          </>
        ) : (
          "never used"
        )}
        {apiKey.revokedAt && (
          <>
            {" · "}
            <span className="api-key-revoked">
              revoked <time dateTime={apiKey.revokedAt.toISOString()}>{formatTime(apiKey.revokedAt)}</time>
            </span>
          </>
        )}
      </div>
      {manage && !revoked && (
        <ConfirmDialog
          trigger={
            <button type="button" className="secondary" aria-label={`Revoke ${apiKey.name}`}>
              Revoke
            </button>
          }
          title={`Revoke the key ${apiKey.name}?`}
          description={
            <>
              Calls made with the key <code className="fingerprint">{apiKey.fingerprint}</code> are refused from now on.
              This can't be undone: whatever uses it needs a new key.
            </>
          }
          confirmLabel="Revoke key"
          pendingLabel="Revoking…"
          onConfirm={() => revoke.mutateAsync({ organizationId, apiKeyId: apiKey.apiKeyId })}
        />
      )}
    </li>
  );
}
