// The one way an organization's change reaches its members' open pages: an event on its
// "organizations.roster" topic, written in the change's own transaction (the outbox), naming
// which part changed.
import type { Transaction } from "@switchboard/db";
import type { z } from "zod";
import type { AppEventBus } from "../live-events.ts";
import type { organizationTopics } from "./topics.ts";

export type OrganizationPart = z.infer<(typeof organizationTopics)["organizations.roster"]>["changed"];

export const organizationChanged = (
  events: AppEventBus,
  tx: Transaction,
  organizationId: string,
  changed: OrganizationPart,
) => events.publish(tx, "organizations.roster", organizationId, { changed });
