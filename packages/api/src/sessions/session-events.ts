// Publishing a session's change, always inside the change's transaction: the session page's
// `changed` event (it reads the session again) and both participants' sessions lists.
import type { ServiceSessionStatus, Transaction } from "@switchboard/db";
import type { AppEventBus } from "../live-events.ts";
import { type Participation, participantUserIds } from "./access.ts";

export interface SessionChange {
  reason: "joined" | "completed" | "cancelled" | "rated";
  status: ServiceSessionStatus;
  at: Date;
}

export async function publishSessionChanged(
  tx: Transaction,
  events: AppEventBus,
  session: Participation,
  change: SessionChange,
) {
  const at = change.at.toISOString();
  await events.publish(tx, "sessions.events", session.sessionId, {
    kind: "changed",
    reason: change.reason,
    status: change.status,
    at,
  });
  for (const userId of new Set(participantUserIds(session))) {
    await events.publish(tx, "sessions.mine", userId, { sessionId: session.sessionId, reason: change.reason, at });
  }
}
