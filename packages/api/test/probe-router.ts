// For tests: the app's routers plus one procedure per builder, so the guards in trpc.ts and
// the error formatter can be exercised end to end before any product uses them.
import { appRouter } from "../src/root.ts";
import { adminProcedure, mechanicProcedure, orgProcedure, publicProcedure, router } from "../src/trpc.ts";
import { z } from "../src/validation-messages.ts";

export const probeRouter = router({
  ...appRouter._def.record,
  probe: router({
    mechanicOnly: mechanicProcedure.query(({ ctx }) => ({ mechanicId: ctx.mechanic.id })),
    orgOnly: orgProcedure
      .input(z.object({ note: z.string().max(20).optional() }))
      .query(({ ctx }) => ({ membershipId: ctx.membership.id })),
    adminOnly: adminProcedure.query(({ ctx }) => ({ adminId: ctx.user.id })),
    explode: publicProcedure.query((): never => {
      throw new Error("secret internals: password=hunter2 at db.internal:5432");
    }),
  }),
});

export type ProbeRouter = typeof probeRouter;
