// A shared mechanism beside the products, like service-session-settings.ts: both requests/
// (accepted, released, cancelled with its request) and sessions/ (joined, completed, cancelled,
// rated) tell a service session's two people that it changed, and the two folders never import
// each other (test/import-graph.test.ts). Always inside the change's transaction.
import type { ServiceSessionStatus, Transaction } from "@switchboard/db";
import type { AppEventBus, AppTopics } from "./live-events.ts";
import type { z } from "./validation-messages.ts";

type ChangedEvent = Extract<z.infer<AppTopics["sessions.events"]>, { kind: "changed" }>;

export interface ServiceSessionChange {
  sessionId: string;
  reason: ChangedEvent["reason"];
  status: ServiceSessionStatus;
  at: Date;
  /** Whose sessions list changed: user ids (the customer's, the mechanic's user — not mechanic — id). */
  userIds: readonly string[];
}

/** The session page's `changed` event (it reads the session again) and each person's sessions list. */
export async function publishServiceSessionChange(tx: Transaction, events: AppEventBus, change: ServiceSessionChange) {
  const at = change.at.toISOString();
  await events.publish(tx, "sessions.events", change.sessionId, {
    kind: "changed",
    reason: change.reason,
    status: change.status,
    at,
  });
  for (const userId of new Set(change.userIds)) {
    await events.publish(tx, "sessions.mine", userId, { sessionId: change.sessionId, reason: change.reason, at });
  }
}
