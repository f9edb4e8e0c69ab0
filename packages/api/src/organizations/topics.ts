// The organizations' live events (scope: the organization id, followed by its members only).
// Each says which list changed; the members page reads that list again (they are short).
import { z } from "zod";

export const organizationTopics = {
  "organizations.roster": z.object({ changed: z.enum(["members", "invitations"]) }),
};
