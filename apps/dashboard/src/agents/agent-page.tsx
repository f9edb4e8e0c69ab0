// One agent's page at /agents/<id>: its settings and version history, a test chat, its
// conversations and its numbers. /agents/new creates an agent.
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError } from "../pages/form-fields.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { AgentForm } from "./agent-form.tsx";
import {
  type AgentDetail,
  configOf,
  formatTime,
  newAgentValues,
  valuesOf,
  versionStatusLabels,
} from "./agent-labels.ts";
import { AgentSessions } from "./agent-sessions.tsx";
import { AgentStats } from "./agent-stats.tsx";
import { TestChat } from "./test-chat.tsx";
import { canEdit, type MyOrganization, useOrganization } from "./use-organization.ts";
import "./agents.css";

export function AgentPage({ agentId }: { agentId: string }) {
  const { query, organization } = useOrganization();
  return (
    <section aria-labelledby="page-heading" className="agent-page">
      <p className="back-link">
        <Link to="/agents" activeOptions={{ exact: true }}>
          ← All agents
        </Link>
      </p>
      {query.isPending && <p className="loading">Loading…</p>}
      <FormError message={query.error ? readAppError(query.error).message : null} />
      {query.isSuccess && !organization && (
        <>
          <h1 id="page-heading">Agents</h1>
          <p className="empty-state">You don't belong to an organization yet.</p>
        </>
      )}
      {organization &&
        (agentId === "new" ? (
          <NewAgent organization={organization} />
        ) : (
          <ExistingAgent organization={organization} agentId={agentId} />
        ))}
    </section>
  );
}

function NewAgent({ organization }: { organization: MyOrganization }) {
  useDocumentTitle("New agent");
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const create = trpc.agents.create.useMutation({
    onSuccess: (result) => {
      void utils.agents.list.invalidate();
      void navigate({ to: "/agents/$agentId", params: { agentId: result.agentId } });
    },
  });
  return (
    <>
      <h1 id="page-heading">New agent</h1>
      <p className="lead">For {organization.name}. It starts as a draft; publish it when it's ready.</p>
      <section aria-label="Settings" className="panel">
        <AgentForm
          initialValues={newAgentValues}
          readOnly={!canEdit(organization)}
          submitLabel="Create agent"
          pending={create.isPending}
          error={create.error ? readAppError(create.error) : null}
          onSubmit={(values) => create.mutate({ organizationId: organization.id, config: configOf(values) })}
        />
      </section>
    </>
  );
}

function ExistingAgent({ organization, agentId }: { organization: MyOrganization; agentId: string }) {
  const input = { organizationId: organization.id, agentId };
  const agent = trpc.agents.get.useQuery(input);
  useDocumentTitle(agent.data?.name ?? "Agent");
  if (agent.isPending) return <p className="loading">Loading the agent…</p>;
  if (agent.error) {
    return (
      <>
        <h1 id="page-heading">Agent</h1>
        <FormError message={readAppError(agent.error).message} />
      </>
    );
  }
  const data = agent.data;
  return (
    <>
      <h1 id="page-heading">{data.name}</h1>
      {data.description && <p className="lead">{data.description}</p>}
      <div className="agent-columns">
        <AgentSettings organization={organization} agent={data} />
        <div className="agent-side">
          <VersionHistory agent={data} />
          <TestChat agent={data} />
        </div>
      </div>
      <AgentSessions organizationId={organization.id} agentId={agentId} />
      <AgentStats organizationId={organization.id} agentId={agentId} />
    </>
  );
}

function AgentSettings({ organization, agent }: { organization: MyOrganization; agent: AgentDetail }) {
  const utils = trpc.useUtils();
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => Promise.all([utils.agents.get.invalidate(), utils.agents.list.invalidate()]);
  const update = trpc.agents.update.useMutation({
    onMutate: () => {
      setNotice(null);
      publish.reset();
    },
    onSuccess: (result) => {
      setNotice(
        result.newVersion ? `Saved as draft version ${result.version}.` : `Saved draft version ${result.version}.`,
      );
      void refresh();
    },
  });
  const publish = trpc.agents.publish.useMutation({
    onMutate: () => {
      setNotice(null);
      update.reset();
    },
    onSuccess: (result) => {
      setNotice(`Published version ${result.version}. New conversations use it.`);
      void refresh();
    },
  });
  const editable = canEdit(organization);
  const hasDraft = agent.latest.status === "draft";
  const publishError = publish.error ? readAppError(publish.error).message : null;
  return (
    <section aria-labelledby="settings-heading" className="panel agent-settings">
      <h2 id="settings-heading">Settings</h2>
      <p className="hint">
        {hasDraft
          ? `Editing draft version ${agent.latest.version}.`
          : `Version ${agent.latest.version} is ${versionStatusLabels[agent.latest.status].toLowerCase()}; saving starts a new draft.`}
        {!editable && " Only owners and admins can change agents."}
      </p>
      {notice && (
        <p className="saved-note" role="status">
          {notice}
        </p>
      )}
      <FormError message={publishError} />
      <AgentForm
        initialValues={valuesOf(agent)}
        readOnly={!editable}
        submitLabel="Save"
        pending={update.isPending}
        error={update.error ? readAppError(update.error) : null}
        onSubmit={(values) =>
          update.mutate({
            organizationId: organization.id,
            agentId: agent.agentId,
            config: configOf(values, agent.latest),
          })
        }
        actions={
          editable && (
            <button
              type="button"
              className="secondary"
              disabled={publish.isPending || update.isPending}
              onClick={() => publish.mutate({ organizationId: organization.id, agentId: agent.agentId })}
            >
              {publish.isPending ? "Publishing…" : "Publish"}
            </button>
          )
        }
      />
    </section>
  );
}

function VersionHistory({ agent }: { agent: AgentDetail }) {
  return (
    <section aria-labelledby="versions-heading" className="panel">
      <h2 id="versions-heading">Version history</h2>
      <ol className="version-list" aria-label="Versions">
        {agent.versions.map((version) => (
          <li key={version.id} className="version-row">
            <span className="version-name">Version {version.version}</span>
            <span className={`version-status version-${version.status}`}>{versionStatusLabels[version.status]}</span>
            <span className="version-meta">
              {version.model} · created {formatTime(version.createdAt)}
              {version.publishedAt && ` · published ${formatTime(version.publishedAt)}`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
