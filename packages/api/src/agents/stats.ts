// Per-agent observability, per day: conversations started, messages, tokens, reply latency
// percentiles and failed replies (a visitor leaving mid-reply is not an error) — one SQL query over the agent's sessions.
import type { Database } from "@switchboard/db";

export async function agentStats(db: Database, agentId: string, days: number) {
  const rows = await db.$queryRaw<
    {
      day: Date;
      conversations: bigint;
      messages: bigint;
      tokens: bigint | null;
      p50: number | null;
      p95: number | null;
      errors: bigint;
    }[]
  >`
    WITH days AS (
      SELECT generate_series(date_trunc('day', now()) - (${days - 1} * interval '1 day'), date_trunc('day', now()), interval '1 day') AS day
    ), messages AS (
      SELECT date_trunc('day', m.created_at) AS day, m.role, m.status, m.error_code, m.tokens_used, m.latency_ms
        FROM agent_messages m JOIN agent_sessions s ON s.id = m.session_id
       WHERE s.agent_id = ${agentId}::uuid AND m.created_at >= now() - (${days} * interval '1 day')
    )
    SELECT d.day,
           (SELECT count(*) FROM agent_sessions s WHERE s.agent_id = ${agentId}::uuid
              AND date_trunc('day', s.started_at) = d.day) AS conversations,
           (SELECT count(*) FROM messages m WHERE m.day = d.day) AS messages,
           (SELECT sum(tokens_used) FROM messages m WHERE m.day = d.day) AS tokens,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FROM messages m
             WHERE m.day = d.day AND m.role = 'assistant' AND m.status = 'complete') AS p50,
           (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FROM messages m
             WHERE m.day = d.day AND m.role = 'assistant' AND m.status = 'complete') AS p95,
           (SELECT count(*) FROM messages m WHERE m.day = d.day AND m.role = 'assistant' AND m.status <> 'complete'
               AND m.error_code IS DISTINCT FROM 'visitor_left') AS errors
      FROM days d ORDER BY d.day`;
  return rows.map((row) => ({
    day: row.day.toISOString().slice(0, 10),
    conversations: Number(row.conversations),
    messages: Number(row.messages),
    tokens: Number(row.tokens ?? 0),
    latencyP50Ms: row.p50 === null ? null : Math.round(row.p50),
    latencyP95Ms: row.p95 === null ? null : Math.round(row.p95),
    errors: Number(row.errors),
  }));
}
