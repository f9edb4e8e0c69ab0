// The usage page: the caller's AI calls and key actions per day, with tokens, estimated cost and
// median latency, over the last N days in the caller's own time zone (a call at 23:30 in Lisbon
// counts for that Lisbon day, not for the next UTC one). Everything is aggregated by PostgreSQL in
// one GROUP BY with grouping sets (per day, per kind, overall), so the page costs one round trip
// however many events there are, and a day without events is a row of zeros, not a gap.
import type { Database, UsageKind } from "@switchboard/db";
import { authedProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { zoneOf } from "./calendar.ts";

interface UsageRow {
  byDay: boolean;
  byKind: boolean;
  day: string | null;
  kind: UsageKind | null;
  aiCalls: number;
  userActions: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimatedCostUsd: number;
  p50LatencyMs: number | null;
}

async function dailyUsage(db: Database, userId: string, days: number) {
  const timezone = await zoneOf(db, userId);
  // Sums are cast to float8: counts and bigint sums would arrive as BigInt and numeric as
  // Decimal; both are exact as JS numbers at any volume one person can reach. The range is
  // bounded on created_at itself (local midnights converted back to instants) so the
  // (user_id, created_at) index serves it.
  const rows = await db.$queryRaw<UsageRow[]>`
    WITH range AS (
      SELECT (now() AT TIME ZONE ${timezone})::date - (${days}::int - 1) AS first_day,
             (now() AT TIME ZONE ${timezone})::date AS last_day
    ), calendar AS (
      SELECT r.last_day - g AS day FROM range r, generate_series(0, ${days}::int - 1) AS g
    ), events AS (
      SELECT (u.created_at AT TIME ZONE ${timezone})::date AS day, u.kind, u.prompt_tokens, u.completion_tokens,
             u.total_tokens, u.estimated_cost_usd, u.latency_ms
        FROM usage_events u, range r
       WHERE u.user_id = ${userId}::uuid
         AND u.created_at >= (r.first_day::timestamp AT TIME ZONE ${timezone})
         AND u.created_at < ((r.last_day + 1)::timestamp AT TIME ZONE ${timezone})
    )
    SELECT GROUPING(c.day) = 0 AS "byDay",
           GROUPING(e.kind) = 0 AS "byKind",
           c.day::text AS day,
           e.kind AS kind,
           (count(e.kind) FILTER (WHERE e.kind <> 'user_action'))::float8 AS "aiCalls",
           (count(e.kind) FILTER (WHERE e.kind = 'user_action'))::float8 AS "userActions",
           coalesce(sum(e.prompt_tokens), 0)::float8 AS "promptTokens",
           coalesce(sum(e.completion_tokens), 0)::float8 AS "completionTokens",
           coalesce(sum(e.total_tokens), 0)::float8 AS "totalTokens",
           coalesce(sum(e.estimated_cost_usd), 0)::float8 AS "estimatedCostUsd",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY e.latency_ms) FILTER (WHERE e.kind <> 'user_action')
             AS "p50LatencyMs"
      FROM calendar c
      LEFT JOIN events e ON e.day = c.day
     GROUP BY GROUPING SETS ((c.day), (e.kind), ())
     ORDER BY c.day, e.kind`;

  const sums = ({ aiCalls, userActions, promptTokens, completionTokens, totalTokens, estimatedCostUsd }: UsageRow) => ({
    aiCalls,
    userActions,
    promptTokens,
    completionTokens,
    totalTokens,
    estimatedCostUsd,
  });
  // The empty grouping set yields exactly one row, events or not.
  const overall = rows.find((row) => !row.byDay && !row.byKind)!;
  return {
    timezone,
    days: rows
      .filter((row) => row.byDay)
      .map((row) => ({ day: row.day as string, ...sums(row), p50LatencyMs: row.p50LatencyMs })),
    totals: { ...sums(overall), p50LatencyMs: overall.p50LatencyMs },
    // The kind grouping set also holds the empty days (kind NULL); they are not a kind.
    byKind: rows
      .filter((row): row is UsageRow & { kind: UsageKind } => row.byKind && row.kind !== null)
      .map((row) => ({
        kind: row.kind,
        calls: row.aiCalls + row.userActions,
        totalTokens: row.totalTokens,
        estimatedCostUsd: row.estimatedCostUsd,
      }))
      .sort((a, b) => b.estimatedCostUsd - a.estimatedCostUsd || b.calls - a.calls || a.kind.localeCompare(b.kind)),
  };
}

export const usageRouter = router({
  /** The last `days` days (today included) in the caller's time zone, oldest first. */
  daily: authedProcedure
    .input(
      z
        .strictObject({
          days: z.number().int({ error: "Use a whole number of days from 1 to 90." }).min(1).max(90).default(30),
        })
        .default({ days: 30 }),
    )
    .query(({ ctx, input }) => dailyUsage(ctx.db, ctx.user.id, input.days)),
});
