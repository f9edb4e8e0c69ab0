// The Agents product's pages as the router renders them: loaded on the first visit to the
// product (one chunk for all of them), reading their address through the route's typed API.
import { getRouteApi } from "@tanstack/react-router";
import { AgentPage } from "./agent-page.tsx";
import { AgentsPage } from "./agents-page.tsx";

const agentRoute = getRouteApi("/signed-in/agents/$agentId");

export function AgentsRoutePage() {
  return <AgentsPage />;
}

export function NewAgentRoutePage() {
  return <AgentPage agentId="new" />;
}

export function AgentRoutePage() {
  const { agentId } = agentRoute.useParams();
  return <AgentPage key={agentId} agentId={agentId} />;
}
