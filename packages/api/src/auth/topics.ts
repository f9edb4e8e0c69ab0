// Access changes, followed by every instance (auth/revocation.ts closes the affected sockets).
import { z } from "zod";

export const authTopics = {
  "auth.access": z.object({
    userId: z.uuid(),
    /** One session (sign-out), or null for every session of the person (their access changed). */
    sessionId: z.uuid().nullable(),
    reason: z.enum(["signed_out", "access_changed"]),
  }),
};

export type AccessChange = z.output<(typeof authTopics)["auth.access"]>;
