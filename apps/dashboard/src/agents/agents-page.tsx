// The Agents product at /agents: pick an organization, see its agents, open one to edit it.
import { getRouteApi, Link } from "@tanstack/react-router";
import { useEffect } from "react";
import { readAppError } from "../api/app-error.ts";
import { NoOrganizationYet } from "../organizations/no-organization.tsx";
import { FormError, SelectField } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { formatTime } from "./agent-labels.ts";
import { useAgentList } from "./agent-live.ts";
import { canEdit, type MyOrganization, useOrganization } from "./use-organization.ts";
import "./agents.css";

const agentsRoute = getRouteApi("/signed-in/agents");

export function AgentsPage() {
  useDocumentTitle("Agents");
  // The organization shown can be named in the address (?organization=<id>), so a link opens it.
  const { organization: named } = agentsRoute.useSearch();
  const navigate = agentsRoute.useNavigate();
  const { query, organizations, organization, choose } = useOrganization(named);
  // Remembered too, so the agent pages opened from here (and a later visit) use the same one.
  useEffect(() => {
    if (organization && organization.id === named) choose(organization.id);
  }, [organization, named, choose]);
  return (
    <section aria-labelledby="page-heading" className="agents-page">
      <h1 id="page-heading">Agents</h1>
      <p className="lead">The AI agents that answer your visitors: their instructions, versions and conversations.</p>
      {query.isPending && <p className="loading">Loading your organizations…</p>}
      <FormError message={query.error ? readAppError(query.error).message : null} />
      {query.isSuccess && !organization && <NoOrganizationYet />}
      {organizations.length > 1 && organization && (
        <SelectField
          label="Organization"
          name="organization"
          value={organization.id}
          onChange={(event) => {
            choose(event.target.value);
            void navigate({ search: { organization: event.target.value }, replace: true });
          }}
          options={organizations.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        />
      )}
      {organization && (
        <p>
          <Link to="/organizations/$organizationId/members" params={{ organizationId: organization.id }}>
            Members of {organization.name}
          </Link>
          {" · "}
          <Link to="/organizations/$organizationId/settings" params={{ organizationId: organization.id }}>
            Settings of {organization.name}
          </Link>
        </p>
      )}
      {organization && <AgentList key={organization.id} organization={organization} />}
    </section>
  );
}

function AgentList({ organization }: { organization: MyOrganization }) {
  const agents = useAgentList(organization.id);
  return (
    <section aria-labelledby="agent-list-heading" className="panel">
      <div className="panel-header">
        <h2 id="agent-list-heading">{organization.name}'s agents</h2>
        {canEdit(organization) && (
          <Link to="/agents/new" className="button-link">
            New agent
          </Link>
        )}
      </div>
      {agents.isPending && <p className="loading">Loading agents…</p>}
      <FormError message={agents.error ? readAppError(agents.error).message : null} />
      <LiveUpdatesAlert problem={agents.liveProblem} />
      {agents.data?.length === 0 && <p className="empty-state">No agents yet.</p>}
      {agents.data && agents.data.length > 0 && (
        <ul className="agent-list">
          {agents.data.map((agent) => (
            <li key={agent.agentId} className="agent-card">
              <Link to="/agents/$agentId" params={{ agentId: agent.agentId }}>
                {agent.name}
              </Link>
              {agent.description && <p className="agent-description">{agent.description}</p>}
              <p className="agent-meta">
                {agent.published
                  ? `Published version ${agent.published.version} (${agent.published.model})${
                      agent.published.publishedAt ? `, ${formatTime(agent.published.publishedAt)}` : ""
                    }`
                  : "Not published yet"}
                {agent.latestVersion?.status === "draft" && ` · draft version ${agent.latestVersion.version}`}
                {` · ${agent.sessions} ${agent.sessions === 1 ? "conversation" : "conversations"}`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
