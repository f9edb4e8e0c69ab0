import { lastEventIdSchema } from "@switchboard/events";
import { text } from "../input-types.ts";
import { liveEvents } from "../live-events.ts";
import { authedProcedure, mechanicProcedure, router } from "../trpc.ts";
import { z } from "../validation-messages.ts";
import { boardCountInput, boardInput, boardSubscriptionInput, countBoard, listBoard } from "./board.ts";
import { intakeInput, submitIntake } from "./intake.ts";
import { mechanicProfileOf } from "./mechanic-profile.ts";
import { acceptRequest, cancelRequest } from "./request-lifecycle.ts";
import { assertMayFollowRequest, findVisibleRequest, listCustomerRequests, viewerOf } from "./request-status.ts";
import { BOARD_SCOPE } from "./topics.ts";

const requestIdInput = z.strictObject({ requestId: z.uuid({ error: "This request id is not valid." }) });

const mechanicProfileInput = z.strictObject({
  displayName: text({ max: 80, min: 1 }),
  specialties: z.array(text({ max: 40, min: 1 })).max(12),
  availability: z.enum(["available", "busy", "offline"]),
});

export const requestsRouter = router({
  /** Customer intake: creates the session and its board request atomically. */
  submit: authedProcedure
    .input(intakeInput)
    .mutation(({ ctx, input }) => submitIntake(ctx.db, ctx.events, { id: ctx.user.id, name: ctx.user.name }, input)),

  /** The customer's own recent requests; lastEventId to follow `onMine` from. */
  mine: authedProcedure.query(async ({ ctx }) => {
    const lastEventId = ctx.events.headEventId();
    return { requests: await listCustomerRequests(ctx.db, ctx.user.id), lastEventId };
  }),

  /** The caller's own requests as they are made and change (scope: their own user id, so nobody else's). */
  onMine: authedProcedure
    .input(z.strictObject({ lastEventId: lastEventIdSchema }))
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "requests.mine", ctx.user.id, { lastEventId: input.lastEventId, signal }),
    ),

  /** One request, for its customer or the mechanic who accepted it; lastEventId to subscribe from. */
  get: authedProcedure.input(requestIdInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    const request = await findVisibleRequest(ctx.db, await viewerOf(ctx.db, ctx.user), input.requestId);
    return { ...request, lastEventId };
  }),

  cancel: authedProcedure
    .input(requestIdInput)
    .mutation(({ ctx, input }) => cancelRequest(ctx.db, ctx.events, ctx.user.id, input.requestId)),

  /** Live status of one request, authorized like `get` before any event is sent. */
  onStatus: authedProcedure
    .input(requestIdInput.extend({ lastEventId: lastEventIdSchema }))
    // Not a generator: tRPC sends `started` once the resolver returns, so a refusal from here
    // reaches the client as an error with no `started` before it.
    .subscription(async ({ ctx, input, signal }) => {
      await assertMayFollowRequest(ctx.db, await viewerOf(ctx.db, ctx.user), input.requestId);
      return liveEvents(ctx, "requests.status", input.requestId, { lastEventId: input.lastEventId, signal });
    }),

  /** The mechanics' board: open requests, most urgent then oldest first; lastEventId to subscribe from. */
  board: mechanicProcedure.input(boardInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    return { ...(await listBoard(ctx.db, input)), lastEventId };
  }),

  /** How many requests the board holds with these filters; read again on board events. */
  boardCount: mechanicProcedure.input(boardCountInput).query(async ({ ctx, input }) => {
    const lastEventId = ctx.events.headEventId();
    return { count: await countBoard(ctx.db, input), lastEventId };
  }),

  // Returns the iterable itself (no extra generator layer per event: this one fans out to every mechanic).
  onBoard: mechanicProcedure
    .input(boardSubscriptionInput)
    .subscription(({ ctx, input, signal }) =>
      liveEvents(ctx, "requests.board", BOARD_SCOPE, { lastEventId: input.lastEventId, signal }),
    ),

  accept: mechanicProcedure.input(requestIdInput).mutation(({ ctx, input }) =>
    acceptRequest(ctx.db, ctx.events, ctx.mechanic, input.requestId, {
      joinWithinMs: ctx.serviceSessions.joinWithinMs,
    }),
  ),

  /** The mechanic's own profile and how customers rated their sessions. */
  mechanicProfile: mechanicProcedure.query(({ ctx }) => mechanicProfileOf(ctx.db, ctx.mechanic)),

  /** Returns the profile as `mechanicProfile` does, so the page can show it without reading it again. */
  updateMechanicProfile: mechanicProcedure
    .input(mechanicProfileInput)
    .mutation(async ({ ctx, input }) =>
      mechanicProfileOf(ctx.db, await ctx.db.mechanic.update({ where: { id: ctx.mechanic.id }, data: input })),
    ),
});
