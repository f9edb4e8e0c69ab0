// An agent's last two weeks, per day: a bar per day (messages) for the shape, and a table with
// every number for reading.
import { readAppError } from "../api/app-error.ts";
import { FormError } from "../pages/form-fields.tsx";
import { useAgentStats } from "./agent-live.ts";

const days = 14;

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

function dayLabel(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

function milliseconds(value: number | null): string {
  return value === null ? "—" : `${value} ms`;
}

export function AgentStats({ organizationId, agentId }: { organizationId: string; agentId: string }) {
  // Live: read again when one of the agent's conversations changes (its events show on the conversations panel).
  const stats = useAgentStats(organizationId, agentId, days);
  const rows = stats.data ?? [];
  const most = Math.max(1, ...rows.map((row) => row.messages));
  const totals = rows.reduce(
    (sum, row) => ({
      conversations: sum.conversations + row.conversations,
      messages: sum.messages + row.messages,
      tokens: sum.tokens + row.tokens,
      errors: sum.errors + row.errors,
    }),
    { conversations: 0, messages: 0, tokens: 0, errors: 0 },
  );
  return (
    <section aria-labelledby="stats-heading" className="panel">
      <h2 id="stats-heading">Activity</h2>
      {stats.isPending && <p className="loading">Loading numbers…</p>}
      <FormError message={stats.error ? readAppError(stats.error).message : null} />
      {stats.data && (
        <>
          <p className="stats-summary">
            Last {days} days: {totals.conversations} conversations, {totals.messages} messages, {totals.tokens} tokens,{" "}
            {totals.errors} failed replies.
          </p>
          <div className="stats-bars" aria-hidden="true">
            {rows.map((row) => (
              <div key={row.day} className="stats-bar-column" title={`${dayLabel(row.day)}: ${row.messages} messages`}>
                <div className="stats-bar" style={{ height: `${(row.messages / most) * 100}%` }} />
              </div>
            ))}
          </div>
          <table className="stats-table">
            <caption>Per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Conversations</th>
                <th scope="col">Messages</th>
                <th scope="col">Tokens</th>
                <th scope="col">Latency p50</th>
                <th scope="col">Latency p95</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.day}>
                  <th scope="row">{dayLabel(row.day)}</th>
                  <td>{row.conversations}</td>
                  <td>{row.messages}</td>
                  <td>{row.tokens}</td>
                  <td>{milliseconds(row.latencyP50Ms)}</td>
                  <td>{milliseconds(row.latencyP95Ms)}</td>
                  <td>{row.errors}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
