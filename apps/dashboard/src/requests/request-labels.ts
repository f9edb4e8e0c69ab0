// How the requests product's values read to people, in one place for every page.
import type { RouterInputs, RouterOutputs } from "@switchboard/api";

export { formatTime } from "../pages/format-time.ts";

type IntakeInput = RouterInputs["requests"]["submit"];
export type Urgency = IntakeInput["urgency"];
export type SessionType = IntakeInput["sessionType"];
export type Plan = IntakeInput["plan"];
export type RequestStatus = RouterOutputs["requests"]["get"]["status"];

export const urgencyLabels: Record<Urgency, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  emergency: "Emergency",
};

export const sessionTypeLabels: Record<SessionType, string> = {
  chat: "Chat",
  video: "Video call",
};

export const planLabels: Record<Plan, string> = {
  basic: "Basic",
  standard: "Standard",
  premium: "Premium",
};

export function vehicleName(vehicle: { make: string; model: string; year: number }): string {
  return `${vehicle.year} ${vehicle.make} ${vehicle.model}`;
}

/** The requests that still wait for a mechanic (on the board): a new intake would replace one. */
export function isOpenRequest(status: RequestStatus): boolean {
  return status === "pending" || status === "unattended";
}

/**
 * One line about where a request stands, as its customer would put it. A request the customer's
 * newer one replaced is cancelled in the database, but it is not what they did: it says so.
 */
export function statusSummary(request: { status: RequestStatus; mechanicName: string | null; replaced: boolean }) {
  const { status, mechanicName } = request;
  switch (status) {
    case "pending":
      return "Waiting for a mechanic";
    case "accepted":
      return mechanicName ? `Accepted by ${mechanicName}` : "Accepted";
    case "cancelled":
      return request.replaced ? "Replaced by your newer request" : "Cancelled";
    case "expired":
      return "Expired — no mechanic was free";
    case "unattended":
      return "Back on the board — the mechanic didn't join in time";
  }
}

/** A mechanic's standing: "4.5 ★ from 12 ratings", or "No ratings yet" before the first. */
export function ratingSummary(average: number | null, count: number): string {
  if (average === null || count === 0) return "No ratings yet";
  // One decimal, as the rating is read (a whole number stays whole: "5 ★").
  const shown = Number(average.toFixed(1)).toString();
  return `${shown} ★ from ${count === 1 ? "1 rating" : `${count} ratings`}`;
}
