// What the coach is told before the conversation: who it is, who it coaches (profile, business),
// what they are working towards (active goals) and what they said before that bears on this
// message (retrieved memories). Each part is its own system message, in that order, so the model
// sees stable instructions first and the most specific context closest to the conversation.
import type { BusinessProfile, ChatRole, Goal, Profile } from "@switchboard/db";

const COACH_PERSONA = [
  "You are a thoughtful business and leadership coach.",
  "Ask one good question at a time, tie advice to the person's goals and situation,",
  "and end with a concrete next step when it helps. Be warm and concise.",
].join(" ");

export interface Memory {
  role: ChatRole;
  content: string;
  createdAt: Date;
  score: number;
}

export interface CoachContext {
  profile: Profile | null;
  business: BusinessProfile | null;
  goals: Goal[];
  memories: Memory[];
}

const MEMORY_CHARS = 500;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The system messages, in order: persona, profile, business, active goals, memories. */
export function coachSystemMessages({ profile, business, goals, memories }: CoachContext): string[] {
  const parts = [COACH_PERSONA];
  if (profile) {
    parts.push(`About the person you coach:\nName: ${profile.displayName}\nTimezone: ${profile.timezone}`);
  }
  if (business) {
    const lines = [
      "Their business:",
      `Company: ${business.companyName}`,
      `Role: ${business.role}`,
      `Industry: ${business.industry}`,
      ...(business.teamSize === null ? [] : [`Team size: ${business.teamSize}`]),
      ...(business.challenges ? [`Challenges: ${business.challenges}`] : []),
    ];
    parts.push(lines.join("\n"));
  }
  if (goals.length > 0) {
    const lines = goals.map((goal) => {
      const target = goal.targetDate ? `, target ${isoDay(goal.targetDate)}` : "";
      return `- ${goal.title} (${goal.category}, ${goal.progress}% done${target})`;
    });
    parts.push(`Their active goals:\n${lines.join("\n")}`);
  }
  if (memories.length > 0) {
    const lines = memories.map((memory) => {
      const who = memory.role === "user" ? "they said" : "you said";
      const text = memory.content.length > MEMORY_CHARS ? `${memory.content.slice(0, MEMORY_CHARS)}…` : memory.content;
      return `- (${isoDay(memory.createdAt)}, ${who}) ${text.replace(/\s+/g, " ")}`;
    });
    parts.push(`From earlier conversations, most relevant first:\n${lines.join("\n")}`);
  }
  return parts;
}
