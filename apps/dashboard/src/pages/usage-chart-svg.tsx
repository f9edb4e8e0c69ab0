// The drawn part of a usage chart (pages/usage-chart.tsx), in its own chunk: Recharts is loaded
// only when a page with a chart is opened. Recharts' accessibility layer (on by default in v3)
// makes the chart one focusable element whose arrow keys step through the days, the tooltip
// following; colours come from the design tokens, so both themes apply.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { DrawnChart } from "./usage-chart.tsx";

const seriesColours = ["var(--accent)", "var(--chart-2)", "var(--danger)"];

const axisTick = { fill: "var(--muted)", fontSize: 12 };

export default function UsageChartSvg({ chart }: { chart: DrawnChart }) {
  const Chart = chart.kind === "bar" ? BarChart : LineChart;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <Chart data={[...chart.points]} margin={{ top: 8, right: 8, bottom: 8, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tick={axisTick} stroke="var(--border)" minTickGap={16} />
        <YAxis
          tick={axisTick}
          stroke="var(--border)"
          allowDecimals={false}
          width={56}
          label={{ value: chart.unit, angle: -90, position: "insideLeft", fill: "var(--muted)", fontSize: 12 }}
        />
        <Tooltip
          cursor={{ fill: "var(--border)", stroke: "var(--border)" }}
          contentStyle={{
            background: "var(--surface)",
            border: "1px solid var(--border)",
            borderRadius: "var(--radius)",
            color: "var(--text)",
          }}
          labelStyle={{ color: "var(--text)", fontWeight: 600 }}
          formatter={(value, _name, item) => {
            const index = chart.series.findIndex((series) => series.key === item.dataKey);
            const format = chart.formats[index];
            return typeof value === "number" && format ? format(value) : String(value ?? "—");
          }}
        />
        {chart.series.length > 1 && <Legend itemSorter={null} wrapperStyle={{ color: "var(--text)", fontSize: 13 }} />}
        {chart.series.map((series, index) =>
          chart.kind === "bar" ? (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.label}
              fill={seriesColours[index % seriesColours.length]}
              radius={[2, 2, 0, 0]}
              isAnimationActive={false}
            />
          ) : (
            <Line
              key={series.key}
              dataKey={series.key}
              name={series.label}
              type="monotone"
              stroke={seriesColours[index % seriesColours.length]}
              strokeWidth={2}
              // A dot per day: a period with a single measured day still shows it.
              dot={{ r: 3 }}
              connectNulls
              isAnimationActive={false}
            />
          ),
        )}
      </Chart>
    </ResponsiveContainer>
  );
}
