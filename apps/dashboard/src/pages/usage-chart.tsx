// Numbers per day, for agent activity and coaching usage: a chart for the shape (Recharts,
// loaded on first use so it never weighs on the initial bundle), the same numbers as a table
// behind "Show as a table", and a sentence instead of a flat line when the period is empty.
import { lazy, Suspense, useId, useState } from "react";
import "./usage-chart.css";

/** One number per day, drawn as a series of a chart and read as a column of the table. */
export interface UsageSeries<Row> {
  label: string;
  value: (row: Row) => number | null;
  /** How a value reads in the table and the tooltip ("12 ms", "$0.0040"). */
  format?: (value: number) => string;
}

export interface UsageChartSpec<Row> {
  /** The chart's own title: what is drawn, in which unit ("Reply latency (ms)"). */
  title: string;
  /** The y axis's label, with its unit. */
  unit: string;
  kind: "bar" | "line";
  series: readonly UsageSeries<Row>[];
}

export interface UsageChartProps<Row extends { day: string }> {
  /** What the numbers are: the table's caption and, with each chart's title, the figures' names. */
  caption: string;
  rows: readonly Row[];
  formatDay: (day: string) => string;
  charts: readonly UsageChartSpec<Row>[];
  /** Numbers only the table shows, after the charts' (cost, latency where they are not drawn). */
  tableOnly?: readonly UsageSeries<Row>[];
  /** Said instead of the charts when every number in the period is zero (or missing). */
  emptyMessage: string;
}

/** What the SVG part draws: rows already read into plain numbers, keyed by series index. */
export interface DrawnChart {
  title: string;
  unit: string;
  kind: "bar" | "line";
  series: readonly { key: string; label: string }[];
  points: readonly Record<string, number | string | null>[];
  formats: readonly ((value: number) => string)[];
}

const UsageChartSvg = lazy(() => import("./usage-chart-svg.tsx"));

const plain = (value: number) => value.toLocaleString();

export function UsageChart<Row extends { day: string }>({
  caption,
  rows,
  formatDay,
  charts,
  tableOnly = [],
  emptyMessage,
}: UsageChartProps<Row>) {
  const tableId = useId();
  const [showTable, setShowTable] = useState(false);
  const empty = rows.every((row) => charts.every((chart) => chart.series.every((series) => !series.value(row))));
  if (empty) return <p className="empty-state">{emptyMessage}</p>;

  const drawn: DrawnChart[] = charts.map((chart) => ({
    title: chart.title,
    unit: chart.unit,
    kind: chart.kind,
    series: chart.series.map((series, index) => ({ key: `s${index}`, label: series.label })),
    formats: chart.series.map((series) => series.format ?? plain),
    points: rows.map((row) => {
      const point: Record<string, number | string | null> = { day: formatDay(row.day) };
      chart.series.forEach((series, index) => {
        point[`s${index}`] = series.value(row);
      });
      return point;
    }),
  }));
  const columns = [...charts.flatMap((chart) => chart.series), ...tableOnly];

  return (
    <div className="usage-chart">
      <Suspense fallback={<p className="loading">Drawing the chart…</p>}>
        {drawn.map((chart) => (
          <figure key={chart.title} className="usage-chart-figure">
            <figcaption>{chart.title}</figcaption>
            <UsageChartSvg chart={chart} />
          </figure>
        ))}
      </Suspense>
      <button
        type="button"
        className="secondary"
        aria-expanded={showTable}
        aria-controls={tableId}
        onClick={() => setShowTable((shown) => !shown)}
      >
        {showTable ? "Hide the table" : "Show as a table"}
      </button>
      <div id={tableId} className="usage-table-scroll" hidden={!showTable}>
        {showTable && (
          <table className="stats-table cards-on-phone">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {columns.map((column) => (
                  <th key={column.label} scope="col">
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.day}>
                  <th scope="row">{formatDay(row.day)}</th>
                  {columns.map((column) => {
                    const value = column.value(row);
                    return (
                      <td key={column.label} data-label={column.label}>
                        {value === null ? "—" : (column.format ?? plain)(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
