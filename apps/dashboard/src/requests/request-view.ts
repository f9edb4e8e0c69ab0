// What a request's page shows as live status events come (requests.onStatus), pure so it is
// easy to trust. A request moves only along its lifecycle: an open one (pending, or back on the
// board as unattended) is accepted, cancelled or expires; an accepted one goes back to the board
// when its mechanic does not join in time. Anything else (a replayed or late event) changes
// nothing, so the page can never move back.
import type { RouterOutputs } from "@switchboard/api";
import type { RequestStatus } from "./request-labels.ts";

export type RequestView = RouterOutputs["requests"]["get"];

export interface StatusChange {
  requestId: string;
  status: RequestStatus;
  mechanicName: string | null;
  at: string;
}

const nextStatuses: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ["accepted", "cancelled", "expired"],
  unattended: ["accepted", "cancelled", "expired"],
  accepted: ["unattended"],
  cancelled: [],
  expired: [],
};

/** Whether the page follows the request's live status: while it can still change. */
export function followsStatus(status: RequestStatus): boolean {
  return nextStatuses[status].length > 0;
}

export function applyStatusChange(view: RequestView | undefined, change: StatusChange): RequestView | undefined {
  if (!view || view.requestId !== change.requestId) return view;
  if (!nextStatuses[view.status].includes(change.status)) return view;
  const at = new Date(change.at);
  return {
    ...view,
    status: change.status,
    mechanicName: change.status === "unattended" ? null : (change.mechanicName ?? view.mechanicName),
    acceptedAt: change.status === "accepted" ? at : view.acceptedAt,
    unattendedAt: change.status === "unattended" ? at : view.unattendedAt,
  };
}
