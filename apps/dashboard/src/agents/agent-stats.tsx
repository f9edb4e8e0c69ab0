// An agent's last two weeks, per day: what it did (conversations, messages, failed replies),
// the tokens it used and how fast it answered, drawn as charts with the numbers as a table
// behind a toggle (pages/usage-chart.tsx).
import type { RouterOutputs } from "@switchboard/api";
import { readAppError } from "../api/app-error.ts";
import { FormError } from "../pages/form-fields.tsx";
import { UsageChart, type UsageChartSpec } from "../pages/usage-chart.tsx";
import { useAgentStats } from "./agent-live.ts";

type StatsDay = RouterOutputs["agents"]["stats"]["days"][number];

const days = 14;

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

function dayLabel(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

const milliseconds = (value: number) => `${value.toLocaleString()} ms`;

const charts: readonly UsageChartSpec<StatsDay>[] = [
  {
    title: "Conversations, messages and failed replies per day",
    unit: "Count",
    kind: "bar",
    series: [
      { label: "Conversations", value: (row) => row.conversations },
      { label: "Messages", value: (row) => row.messages },
      { label: "Failed replies", value: (row) => row.errors },
    ],
  },
  {
    title: "Tokens per day",
    unit: "Tokens",
    kind: "bar",
    series: [{ label: "Tokens", value: (row) => row.tokens }],
  },
  {
    title: "Reply latency per day (milliseconds)",
    unit: "ms",
    kind: "line",
    series: [
      { label: "Latency p50", value: (row) => row.latencyP50Ms, format: milliseconds },
      { label: "Latency p95", value: (row) => row.latencyP95Ms, format: milliseconds },
    ],
  },
];

export function AgentStats({ organizationId, agentId }: { organizationId: string; agentId: string }) {
  // Live: read again when one of the agent's conversations changes (its events show on the conversations panel).
  const stats = useAgentStats(organizationId, agentId, days);
  const rows = stats.data ?? [];
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
          <UsageChart
            caption="Per day"
            rows={rows}
            formatDay={dayLabel}
            charts={charts}
            emptyMessage={`No conversations in the last ${days} days.`}
          />
        </>
      )}
    </section>
  );
}
