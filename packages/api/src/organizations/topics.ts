// The organizations' live events (scope: the organization id, followed by its members only).
// Each says which part changed — its members, its invitations, the organization itself (its
// name) or its API keys; the open members and settings pages read that part again (all short).
import { z } from "zod";

export const organizationTopics = {
  "organizations.roster": z.object({ changed: z.enum(["members", "invitations", "organization", "apiKeys"]) }),
};
