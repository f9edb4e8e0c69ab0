// What every coaching task works with, in its own module: the tasks (summaries.ts,
// action-items.ts) and the task list that runs them (jobs.ts) both need it, and jobs.ts imports
// the tasks, so the type living in jobs.ts made an import cycle.
import type { Database } from "@switchboard/db";
import type { OpenAIClient } from "@switchboard/integrations";
import type pino from "pino";
import type { AppEventBus } from "../live-events.ts";

export interface CoachingJobDeps {
  db: Database;
  events: AppEventBus;
  openai: OpenAIClient;
  log: pino.Logger;
}
