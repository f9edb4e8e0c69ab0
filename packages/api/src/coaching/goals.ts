// A person's goals: their own rows only (other people's ids are NOT_FOUND, like ids that do not
// exist); every write records the person's action and publishes the goal on `coaching.updates`
// in the same transaction.
import type { Database, Goal, GoalCategory, GoalStatus, Transaction } from "@switchboard/db";
import { appError } from "../errors.ts";
import { eventFormOf } from "../event-payload.ts";
import type { AppEventBus } from "../live-events.ts";
import { writeUserAction } from "./usage.ts";

const goalNotFound = () => appError("NOT_FOUND", "We couldn't find that goal.");

export interface GoalFields {
  title: string;
  category: GoalCategory;
  status: GoalStatus;
  /** A calendar day (midnight UTC), stored as a DATE. */
  targetDate: Date | null;
  progress: number;
}

function goalView(goal: Goal) {
  return {
    id: goal.id,
    title: goal.title,
    category: goal.category,
    status: goal.status,
    targetDate: goal.targetDate ? goal.targetDate.toISOString().slice(0, 10) : null,
    progress: goal.progress,
    createdAt: goal.createdAt,
    updatedAt: goal.updatedAt,
  };
}

export async function listGoals(db: Database, userId: string, status: GoalStatus | undefined) {
  const goals = await db.goal.findMany({
    where: { userId, ...(status ? { status } : {}) },
    orderBy: { createdAt: "asc" },
  });
  return goals.map(goalView);
}

function publishGoal(tx: Transaction, events: AppEventBus, change: "created" | "updated", goal: Goal) {
  return events.publish(tx, "coaching.updates", goal.userId, {
    kind: "goal",
    change,
    goal: eventFormOf(goalView(goal)),
  });
}

export async function createGoal(db: Database, events: AppEventBus, userId: string, fields: GoalFields) {
  const goal = await db.$transaction(async (tx) => {
    const created = await tx.goal.create({ data: { userId, ...fields } });
    await writeUserAction(tx, userId, "goal.created", { goalId: created.id });
    await publishGoal(tx, events, "created", created);
    return created;
  });
  return goalView(goal);
}

export async function updateGoal(
  db: Database,
  events: AppEventBus,
  userId: string,
  goalId: string,
  changes: Partial<GoalFields>,
) {
  const goal = await db.$transaction(async (tx) => {
    const { count } = await tx.goal.updateMany({ where: { id: goalId, userId }, data: changes });
    if (count === 0) throw goalNotFound();
    await writeUserAction(tx, userId, "goal.updated", { goalId });
    const updated = await tx.goal.findUniqueOrThrow({ where: { id: goalId } });
    await publishGoal(tx, events, "updated", updated);
    return updated;
  });
  return goalView(goal);
}

export async function deleteGoal(db: Database, events: AppEventBus, userId: string, goalId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.goal.deleteMany({ where: { id: goalId, userId } });
    if (count === 0) throw goalNotFound();
    await writeUserAction(tx, userId, "goal.deleted", { goalId });
    await events.publish(tx, "coaching.updates", userId, { kind: "goal", change: "deleted", goalId });
  });
  return { goalId };
}
