// The person's usage at /coaching/usage: AI calls, tokens and estimated cost per day (a bar per
// day for the shape, a table for the numbers), and what each kind of call cost.
import type { RouterOutputs } from "@switchboard/api";
import { useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, SelectField } from "../pages/form-fields.tsx";
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { Link } from "../routing/router.tsx";
import { coachingPath, formatDay } from "./coaching-labels.ts";
import "../pages/stats.css";
import "./coaching.css";

type UsageKind = RouterOutputs["coaching"]["usage"]["daily"]["byKind"][number]["kind"];

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

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

export function UsagePage() {
  useDocumentTitle("Coaching usage");
  const [days, setDays] = useState(30);
  const usage = trpc.coaching.usage.daily.useQuery({ days });
  const rows = usage.data?.days ?? [];
  const most = Math.max(1, ...rows.map((row) => row.totalTokens));
  return (
    <section aria-labelledby="page-heading" className="usage-page">
      <p className="back-link">
        <Link href={coachingPath}>Back to coaching</Link>
      </p>
      <h1 id="page-heading">Usage</h1>
      <p className="lead">What your coach did for you, and what it cost, per day.</p>
      <SelectField
        label="Period"
        name="days"
        value={String(days)}
        onChange={(event) => setDays(Number(event.target.value))}
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
            <div className="stats-bars" aria-hidden="true">
              {rows.map((row) => (
                <div
                  key={row.day}
                  className="stats-bar-column"
                  title={`${formatDay(row.day)}: ${row.totalTokens} tokens`}
                >
                  <div className="stats-bar" style={{ height: `${(row.totalTokens / most) * 100}%` }} />
                </div>
              ))}
            </div>
            <table className="stats-table">
              <caption>Tokens, calls and cost per day</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">AI calls</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Latency p50</th>
                  <th scope="col">Your actions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.day}>
                    <th scope="row">{formatDay(row.day)}</th>
                    <td>{row.aiCalls}</td>
                    <td>{row.totalTokens}</td>
                    <td>{usd(row.estimatedCostUsd)}</td>
                    <td>{row.p50LatencyMs === null ? "—" : `${row.p50LatencyMs} ms`}</td>
                    <td>{row.userActions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="usage-kinds-heading" className="panel">
            <h2 id="usage-kinds-heading">By kind</h2>
            {usage.data.byKind.length === 0 ? (
              <p className="empty-state">Nothing in this period.</p>
            ) : (
              <table className="stats-table">
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
                      <td>{row.calls}</td>
                      <td>{row.totalTokens}</td>
                      <td>{usd(row.estimatedCostUsd)}</td>
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
