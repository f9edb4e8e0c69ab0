// For tests: runs one graphile-worker task of a task list in-process, as the worker would run
// the job its cron item queued (the tasks here read only the job's id, name and attempt).
import type { JobHelpers, TaskList } from "graphile-worker";

export async function runTask(taskList: TaskList, task: string, payload: unknown = {}): Promise<void> {
  const run = taskList[task];
  if (!run) throw new Error(`no task ${task} in this task list`);
  const helpers = { job: { id: "test", task_identifier: task, attempts: 1 } } as unknown as JobHelpers;
  await run(payload, helpers);
}
