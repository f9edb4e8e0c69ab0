// Onboarding's periodic work on graphile-worker: erasing the reveal material of API keys whose
// 2-hour window ended unrevealed (api-key.ts), every minute, once across every instance (the
// erase is one idempotent transaction, safe to run twice). A key's material may so outlive its
// window by up to a minute. The pipelines themselves are not jobs: OnboardingRunner keeps its own
// poll and lease (runner.ts, and docs/architecture.md "Periodic work" for why).
import type { Database } from "@switchboard/db";
import type { CronItem, TaskList } from "graphile-worker";
import type pino from "pino";
import { everyMinuteSweep } from "../job-queue.ts";
import { eraseExpiredRevealMaterial } from "./api-key.ts";

export const ONBOARDING_TASKS = { eraseExpiredReveals: "onboarding:erase-expired-reveals" } as const;

export interface OnboardingJobDeps {
  db: Database;
  log: pino.Logger;
}

export function onboardingTaskList(deps: OnboardingJobDeps): TaskList {
  return {
    [ONBOARDING_TASKS.eraseExpiredReveals]: async () => {
      const erased = await eraseExpiredRevealMaterial(deps.db);
      if (erased > 0) deps.log.info({ erased }, "erased the reveal material of expired API keys");
    },
  };
}

export const onboardingCron: CronItem[] = [everyMinuteSweep(ONBOARDING_TASKS.eraseExpiredReveals)];
