// Daily and weekly summaries of a person's coaching, written by the model in background jobs.
// A day is the person's calendar day (calendar.ts); a week starts on Monday. Writing a summary is
// idempotent: one row per (user, day) or (user, week), and a stored summary that already
// covers the same messages (same count, written after the last of them) is kept without
// asking the model again. Every write publishes its view on `coaching.updates` in the same
// transaction.
import type { DailySummary, Database, WeeklySummary } from "@switchboard/db";
import { trimHistory } from "../ai/token-budget.ts";
import { eventFormOf } from "../event-payload.ts";
import { dayBounds, knownProfileZones, todayOf } from "./calendar.ts";
import type { CoachingJobDeps } from "./job-deps.ts";
import { recordCompletionUsage } from "./usage.ts";

const SUMMARY_MODEL = "gpt-4o-mini";
const SUMMARY_TEMPERATURE = 0.3;
const SUMMARY_MAX_TOKENS = 500;
const MESSAGE_CHARS = 1500;
/** How far back the hourly sweep looks for days and weeks without an up-to-date summary. */
const SWEEP_LOOKBACK_DAYS = 14;
/** Bounds one sweep's work; whatever is left is found by the next one. */
const SWEEP_MAX_JOBS = 5000;

export type SummaryOutcome = "written" | "unchanged" | "nothing_to_summarize";

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);

/** The Monday of the week a "YYYY-MM-DD" day falls in. */
export function weekStartOf(day: string): string {
  const date = dateOf(day);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return isoDay(date);
}

function dailySummaryViewOf(row: DailySummary) {
  return {
    id: row.id,
    day: isoDay(row.day),
    summary: row.summary,
    messageCount: row.messageCount,
    updatedAt: row.updatedAt,
  };
}

function weeklySummaryViewOf(row: WeeklySummary) {
  return {
    id: row.id,
    weekStart: isoDay(row.weekStart),
    summary: row.summary,
    messageCount: row.messageCount,
    updatedAt: row.updatedAt,
  };
}

/** Today's daily summary (the person's today) and the latest weekly one. */
export async function latestSummaries(db: Database, userId: string) {
  const today = await todayOf(db, userId);
  const [daily, weekly] = await Promise.all([
    db.dailySummary.findUnique({ where: { userId_day: { userId, day: dateOf(today) } } }),
    db.weeklySummary.findFirst({ where: { userId }, orderBy: { weekStart: "desc" } }),
  ]);
  return {
    today: daily ? dailySummaryViewOf(daily) : null,
    week: weekly ? weeklySummaryViewOf(weekly) : null,
  };
}

/** One non-streaming completion, recorded as `summary` usage; the summary text. */
async function writeSummary(
  { openai, db, log }: CoachingJobDeps,
  userId: string,
  prompt: { system: string; user: string },
  metadata: Record<string, string | number>,
): Promise<string> {
  const started = performance.now();
  const completion = await openai.chat.completions.create({
    model: SUMMARY_MODEL,
    temperature: SUMMARY_TEMPERATURE,
    max_tokens: SUMMARY_MAX_TOKENS,
    messages: [
      { role: "system", content: prompt.system },
      { role: "user", content: prompt.user },
    ],
  });
  await recordCompletionUsage(db, log, {
    userId,
    kind: "summary",
    requestedModel: SUMMARY_MODEL,
    completion,
    startedAt: started,
    metadata,
  });
  const text = completion.choices[0]?.message.content?.trim();
  if (!text) throw new Error(`the model returned no summary (finish reason ${completion.choices[0]?.finish_reason})`);
  return text;
}

const DAILY_INSTRUCTIONS = [
  "You summarise one day of a person's conversations with their business coach.",
  "Write 3 to 6 short sentences addressed to the person as 'you': what they worked on,",
  "what they decided, and what they said they would do next. No headings, no lists, no preamble.",
].join(" ");

/** Writes (or keeps) the person's summary of one day. */
export async function summarizeDay(
  deps: CoachingJobDeps,
  { userId, day }: { userId: string; day: string },
): Promise<SummaryOutcome> {
  const { db, events } = deps;
  const { start, end } = await dayBounds(db, userId, day);
  // The same messages the sweep counts: everything but failed replies.
  const messages = await db.message.findMany({
    where: { userId, createdAt: { gte: start, lt: end }, status: { not: "failed" } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, role: true, content: true, createdAt: true },
  });
  const last = messages.at(-1);
  if (!last) return "nothing_to_summarize";
  const stored = await db.dailySummary.findUnique({ where: { userId_day: { userId, day: dateOf(day) } } });
  if (stored && stored.messageCount === messages.length && stored.updatedAt > last.createdAt) return "unchanged";

  const transcript = trimHistory(
    messages.map((m) => ({
      content: `${m.role === "assistant" ? "Coach" : "Person"}: ${m.content.slice(0, MESSAGE_CHARS)}`,
    })),
    { systemPrompt: DAILY_INSTRUCTIONS, maxTokens: SUMMARY_MAX_TOKENS },
  );
  const summary = await writeSummary(
    deps,
    userId,
    {
      system: DAILY_INSTRUCTIONS,
      user: `The conversations of ${day}:\n\n${transcript.map((m) => m.content).join("\n")}`,
    },
    { purpose: "daily_summary", day, messages: messages.length },
  );
  await db.$transaction(async (tx) => {
    const row = await tx.dailySummary.upsert({
      where: { userId_day: { userId, day: dateOf(day) } },
      create: { userId, day: dateOf(day), summary, messageCount: messages.length },
      update: { summary, messageCount: messages.length },
    });
    await events.publish(tx, "coaching.updates", userId, {
      kind: "daily_summary",
      summary: eventFormOf(dailySummaryViewOf(row)),
    });
  });
  return "written";
}

const WEEKLY_INSTRUCTIONS = [
  "You write a person's weekly review from their coach's daily summaries and their goals.",
  "In 4 to 8 short sentences addressed to the person as 'you': the themes of the week, progress",
  "towards each goal that moved, what is stuck, and one focus for next week. No headings, no preamble.",
].join(" ");

/** Writes (or keeps) the person's summary of the week starting on `weekStart` (a Monday). */
export async function summarizeWeek(
  deps: CoachingJobDeps,
  { userId, weekStart }: { userId: string; weekStart: string },
): Promise<SummaryOutcome> {
  const { db, events } = deps;
  const start = dateOf(weekStart);
  const end = new Date(start.getTime() + 7 * 24 * 60 * 60 * 1000);
  const dailies = await db.dailySummary.findMany({
    where: { userId, day: { gte: start, lt: end } },
    orderBy: { day: "asc" },
  });
  if (dailies.length === 0) return "nothing_to_summarize";
  const messageCount = dailies.reduce((sum, daily) => sum + daily.messageCount, 0);
  const lastDaily = Math.max(...dailies.map((daily) => daily.updatedAt.getTime()));
  const stored = await db.weeklySummary.findUnique({ where: { userId_weekStart: { userId, weekStart: start } } });
  if (stored && stored.messageCount === messageCount && stored.updatedAt.getTime() > lastDaily) return "unchanged";

  const goals = await db.goal.findMany({
    where: { userId, status: { in: ["active", "paused", "completed"] } },
    orderBy: { createdAt: "asc" },
    take: 20,
  });
  const goalLines = goals.map(
    (goal) =>
      `- ${goal.title} (${goal.status}, ${goal.progress}% done${goal.targetDate ? `, target ${isoDay(goal.targetDate)}` : ""})`,
  );
  const dayLines = dailies.map((daily) => `${isoDay(daily.day)}: ${daily.summary}`);
  const summary = await writeSummary(
    deps,
    userId,
    {
      system: WEEKLY_INSTRUCTIONS,
      user: [
        `The week starting ${weekStart}.`,
        `Goals:\n${goalLines.join("\n") || "(none set)"}`,
        `Daily summaries:\n${dayLines.join("\n\n")}`,
      ].join("\n\n"),
    },
    { purpose: "weekly_summary", weekStart, days: dailies.length, goals: goals.length },
  );
  await db.$transaction(async (tx) => {
    const row = await tx.weeklySummary.upsert({
      where: { userId_weekStart: { userId, weekStart: start } },
      create: { userId, weekStart: start, summary, messageCount },
      update: { summary, messageCount },
    });
    await events.publish(tx, "coaching.updates", userId, {
      kind: "weekly_summary",
      summary: eventFormOf(weeklySummaryViewOf(row)),
    });
  });
  return "written";
}

/**
 * What the hourly sweep should summarise: days that ended (in each person's zone) with
 * messages and no up-to-date summary, and weeks that ended whose dailies are all up to date
 * (a week with a day still waiting is left for the next sweep, so it is written once, complete).
 */
export async function findDueSummaries(db: Database) {
  const lookback = SWEEP_LOOKBACK_DAYS;
  const days = await db.$queryRaw<{ userId: string; day: string }[]>`
    WITH zones AS (${knownProfileZones}),
          days AS (
            SELECT m.user_id,
                   (m.created_at AT TIME ZONE coalesce(zones.name, 'UTC'))::date AS day,
                   (now() AT TIME ZONE coalesce(zones.name, 'UTC'))::date AS today,
                   count(*)::int AS message_count,
                   max(m.created_at) AS last_message_at
              FROM messages m LEFT JOIN zones ON zones.user_id = m.user_id
             WHERE m.created_at > now() - make_interval(days => ${lookback}::int + 1) AND m.status <> 'failed'
             GROUP BY 1, 2, 3)
     SELECT d.user_id::text AS "userId", d.day::text AS day
       FROM days d LEFT JOIN daily_summaries s ON s.user_id = d.user_id AND s.day = d.day
      WHERE d.day < d.today AND d.day >= d.today - ${lookback}::int
        AND (s.id IS NULL OR s.message_count <> d.message_count OR s.updated_at <= d.last_message_at)
      ORDER BY d.day, d.user_id
      LIMIT ${SWEEP_MAX_JOBS}::int`;
  const weeks = await db.$queryRaw<{ userId: string; weekStart: string }[]>`
    WITH zones AS (${knownProfileZones}),
          weeks AS (
            SELECT d.user_id,
                   date_trunc('week', d.day::timestamp)::date AS week_start,
                   (now() AT TIME ZONE coalesce(zones.name, 'UTC'))::date AS today,
                   sum(d.message_count)::int AS message_count,
                   max(d.updated_at) AS last_daily_at
              FROM daily_summaries d LEFT JOIN zones ON zones.user_id = d.user_id
             WHERE d.day >= current_date - (${lookback}::int + 8)
             GROUP BY 1, 2, 3)
     SELECT w.user_id::text AS "userId", w.week_start::text AS "weekStart"
       FROM weeks w LEFT JOIN weekly_summaries s ON s.user_id = w.user_id AND s.week_start = w.week_start
      WHERE w.week_start + 7 <= w.today AND w.week_start >= w.today - (${lookback}::int + 7)
        AND (s.id IS NULL OR s.message_count <> w.message_count OR s.updated_at <= w.last_daily_at)
      ORDER BY w.week_start, w.user_id
      LIMIT ${SWEEP_MAX_JOBS}::int`;
  const waiting = new Set(days.map(({ userId, day }) => `${userId}:${weekStartOf(day)}`));
  return { days, weeks: weeks.filter(({ userId, weekStart }) => !waiting.has(`${userId}:${weekStart}`)) };
}
