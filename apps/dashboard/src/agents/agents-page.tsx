// The Agents product at /agents: pick an organization, see its agents, open one to edit it.
import { readAppError } from "../api/app-error.ts";
import { membersPath } from "../organizations/organization-labels.ts";
import { FormError, SelectField } from "../pages/form-fields.tsx";
import { LiveUpdatesAlert } from "../pages/live-updates-alert.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { Link } from "../routing/router.tsx";
import { agentPath, formatTime, newAgentPath } from "./agent-labels.ts";
import { useAgentList } from "./agent-live.ts";
import { canEdit, type MyOrganization, useOrganization } from "./use-organization.ts";

export function AgentsPage() {
  useDocumentTitle("Agents");
  const { query, organizations, organization, choose } = useOrganization();
  return (
    <section aria-labelledby="page-heading" className="agents-page">
      <h1 id="page-heading">Agents</h1>
      <p className="lead">The AI agents that answer your visitors: their instructions, versions and conversations.</p>
      {query.isPending && <p className="loading">Loading your organizations…</p>}
      <FormError message={query.error ? readAppError(query.error).message : null} />
      {query.isSuccess && !organization && (
        <p className="empty-state">You don't belong to an organization yet, so there are no agents to show.</p>
      )}
      {organizations.length > 1 && organization && (
        <SelectField
          label="Organization"
          name="organization"
          value={organization.id}
          onChange={(event) => choose(event.target.value)}
          options={organizations.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        />
      )}
      {organization && (
        <p>
          <Link href={membersPath(organization.id)}>Members of {organization.name}</Link>
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
          <Link href={newAgentPath} className="button-link">
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
              <Link href={agentPath(agent.agentId)}>{agent.name}</Link>
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
