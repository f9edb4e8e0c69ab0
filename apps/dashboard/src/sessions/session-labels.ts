// How a service session's values read to people, in one place for both pages.
import type { RouterOutputs } from "@switchboard/api";

export { formatTime } from "../pages/format-time.ts";

export type SessionView = RouterOutputs["sessions"]["get"];
export type SessionStatus = SessionView["status"];
export type SessionLine = RouterOutputs["sessions"]["mine"]["sessions"][number];

export const sessionTypeLabels: Record<SessionView["type"], string> = {
  chat: "Chat",
  video: "Video call",
};

export function vehicleName(vehicle: { make: string; model: string; year: number }): string {
  return `${vehicle.year} ${vehicle.make} ${vehicle.model}`;
}

/** Where a session stands, for the person looking at it; `other` is the other participant's name. */
export function statusWords(status: SessionStatus, viewer: "customer" | "mechanic", other: string | null): string {
  switch (status) {
    case "waiting":
      if (viewer === "mechanic") return "Joining the session…";
      return other ? `Waiting for ${other} to join` : "Waiting for a mechanic to join";
    case "active":
      return other ? `In session with ${other}` : "In session";
    case "completed":
      return "Completed";
    case "cancelled":
      return "Cancelled";
  }
}

/** One line of the sessions list: where it stands, short. */
export function lineStatus(status: SessionStatus, viewer: "customer" | "mechanic"): string {
  switch (status) {
    case "waiting":
      return viewer === "mechanic" ? "Waiting for you to join" : "Waiting for the mechanic to join";
    case "active":
      return "In session";
    case "completed":
      return "Completed";
    case "cancelled":
      return "Cancelled";
  }
}

export function starsLabel(rating: number): string {
  return rating === 1 ? "1 star" : `${rating} stars`;
}
