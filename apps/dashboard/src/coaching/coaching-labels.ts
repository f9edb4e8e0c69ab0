// How the coaching product's values read, in one place for every coaching page.
import type { RouterOutputs } from "@switchboard/api";

export type Goal = RouterOutputs["coaching"]["goals"]["list"]["goals"][number];
export type GoalStatus = Goal["status"];
export type GoalCategory = Goal["category"];
type ConversationSummary = RouterOutputs["coaching"]["conversations"]["list"]["conversations"][number];
export type ConversationType = ConversationSummary["sessionType"];

export const goalStatusLabels: Record<GoalStatus, string> = {
  active: "Active",
  paused: "Paused",
  completed: "Completed",
  abandoned: "Dropped",
};

export const goalCategoryLabels: Record<GoalCategory, string> = {
  business: "Business",
  career: "Career",
  leadership: "Leadership",
  personal: "Personal",
  health: "Health",
  learning: "Learning",
  other: "Other",
};

export const conversationTypeLabels: Record<ConversationType, string> = {
  chat: "Open chat",
  check_in: "Check-in",
  planning: "Planning",
  reflection: "Reflection",
};

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

/** A calendar day ("2026-12-31") as the person's locale writes it; no time zone shifts it. */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

/** The browser's time zone, the default for a new coaching profile. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
