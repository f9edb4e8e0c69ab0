// The person's usage at /coaching/usage: tokens, AI calls and their own actions per day as charts
// (pages/usage-chart.tsx, the numbers with cost and latency as a table behind a toggle), and
// what each kind of call cost.
import type { RouterOutputs } from "@switchboard/api";
import { getRouteApi, Link } from "@tanstack/react-router";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, SelectField } from "../pages/form-fields.tsx";
import { UsageChart, type UsageChartSpec, type UsageSeries } from "../pages/usage-chart.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { formatDay } from "./coaching-labels.ts";
import type { UsagePeriod } from "./usage.route.tsx";
import "./coaching.css";

type UsageKind = RouterOutputs["coaching"]["usage"]["daily"]["byKind"][number]["kind"];
type UsageDay = RouterOutputs["coaching"]["usage"]["daily"]["days"][number];

const kindLabels: Record<UsageKind, string> = {
  chat_completion: "Coach replies",
  embedding: "Memory (embeddings)",
  summary: "Summaries",
  action_extraction: "Action items",
  user_action: "Your actions",
};

const periods = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
];

const usageRoute = getRouteApi("/signed-in/coaching/usage");

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

const charts: readonly UsageChartSpec<UsageDay>[] = [
  {
    title: "Tokens per day",
    unit: "Tokens",
    kind: "bar",
    series: [{ label: "Tokens", value: (row) => row.totalTokens }],
  },
  {
    title: "AI calls and your own actions per day",
    unit: "Count",
    kind: "bar",
    series: [
      { label: "AI calls", value: (row) => row.aiCalls },
      { label: "Your actions", value: (row) => row.userActions },
    ],
  },
];

const tableOnly: readonly UsageSeries<UsageDay>[] = [
  { label: "Cost", value: (row) => row.estimatedCostUsd, format: usd },
  { label: "Latency p50", value: (row) => row.p50LatencyMs, format: (value) => `${value} ms` },
];

export function UsagePage() {
  useDocumentTitle("Coaching usage");
  // The period lives in the address (?days=7), so a link or a reload keeps it.
  const { days } = usageRoute.useSearch();
  const navigate = usageRoute.useNavigate();
  const usage = trpc.coaching.usage.daily.useQuery({ days });
  const rows = usage.data?.days ?? [];
  return (
    <section aria-labelledby="page-heading" className="usage-page">
      <p className="back-link">
        <Link to="/coaching" activeOptions={{ exact: true }}>
          Back to coaching
        </Link>
      </p>
      <h1 id="page-heading">Usage</h1>
      <p className="lead">What your coach did for you, and what it cost, per day.</p>
      <SelectField
        label="Period"
        name="days"
        value={String(days)}
        onChange={(event) =>
          void navigate({ search: { days: Number(event.target.value) as UsagePeriod }, replace: true })
        }
        options={periods}
      />
      <FormError message={usage.error ? readAppError(usage.error).message : null} />
      {usage.isPending && <p className="loading">Loading your usage…</p>}
      {usage.data && (
        <>
          <section aria-labelledby="usage-days-heading" className="panel">
            <h2 id="usage-days-heading">Per day</h2>
            <p className="stats-summary">
              {usage.data.totals.aiCalls} AI calls, {usage.data.totals.totalTokens} tokens, about{" "}
              {usd(usage.data.totals.estimatedCostUsd)}; {usage.data.totals.userActions} of your own actions.
            </p>
            <UsageChart
              caption="Tokens, calls and cost per day"
              rows={rows}
              formatDay={formatDay}
              charts={charts}
              tableOnly={tableOnly}
              emptyMessage="Nothing in this period: no AI calls and none of your own actions."
            />
          </section>
          <section aria-labelledby="usage-kinds-heading" className="panel">
            <h2 id="usage-kinds-heading">By kind</h2>
            {usage.data.byKind.length === 0 ? (
              <p className="empty-state">Nothing in this period.</p>
            ) : (
              <table className="stats-table cards-on-phone">
                <caption>Calls, tokens and cost by kind</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Calls</th>
                    <th scope="col">Tokens</th>
                    <th scope="col">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.data.byKind.map((row) => (
                    <tr key={row.kind}>
                      <th scope="row">{kindLabels[row.kind]}</th>
                      <td data-label="Calls">{row.calls}</td>
                      <td data-label="Tokens">{row.totalTokens}</td>
                      <td data-label="Cost">{usd(row.estimatedCostUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
