// system.capabilities: what this server can do, so the dashboard says up front what is off here
// ("AI replies are turned off on this server") instead of failing after the first click. Only
// booleans: which provider, key, model or URL the server uses never leaves it.
import { authedProcedure, router } from "./trpc.ts";

export const systemRouter = router({
  capabilities: authedProcedure.query(({ ctx }) => {
    const aiReplies = Boolean(ctx.ai?.openai);
    return {
      /** The server's own AI answers: the coach, and agents that use the server's AI. */
      aiReplies,
      /** Coaching summaries: written by the server's AI in a background job, so both must be here. */
      aiSummaries: aiReplies && ctx.jobs !== null,
      /**
       * Whether STUN/TURN servers are configured for video sessions (ICE_SERVERS). Without them
       * video still works between browsers that can reach each other directly (one network).
       */
      videoIceServers: ctx.serviceSessions.iceServers.length > 0,
    };
  }),
});
