// Agents' periodic work on graphile-worker: agent sessions idle longer than
// AGENT_SESSION_IDLE_MINUTES expire, every minute (once across every server instance; the
// update is safe to run twice).
import type { Database } from "@switchboard/db";
import type { CronItem, TaskList } from "graphile-worker";
import type pino from "pino";
import { everyMinuteSweep } from "../job-queue.ts";
import type { AppEventBus } from "../live-events.ts";
import { expireIdleSessions } from "./sessions.ts";

export const AGENT_TASKS = { expireIdleSessions: "agents:expire-idle-sessions" } as const;

export interface AgentJobDeps {
  db: Database;
  events: AppEventBus;
  log: pino.Logger;
  /** Agent sessions idle this long are expired (AGENT_SESSION_IDLE_MINUTES). */
  sessionIdleMs: number;
}

export function agentTaskList(deps: AgentJobDeps): TaskList {
  return {
    [AGENT_TASKS.expireIdleSessions]: async () => {
      const expired = await expireIdleSessions(deps.db, deps.events, deps.sessionIdleMs);
      if (expired > 0) deps.log.info({ expired }, "expired idle agent sessions");
    },
  };
}

export const agentCron: CronItem[] = [everyMinuteSweep(AGENT_TASKS.expireIdleSessions)];
