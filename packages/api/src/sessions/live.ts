// A session's live channels for its participants: its events (tracked, resumable) and its
// signals (typing, presence, video signalling; ephemeral). Both end with NOT_FOUND the moment
// the viewer stops being a participant — a mechanic released by the join timeout hears it on
// their own sessions list (`sessions.mine`, reason "released") — and with their socket when
// their sign-in is revoked (auth/revocation.ts closes it).
import type { Database } from "@switchboard/db";
import type pino from "pino";
import { type AppEventBus, type LiveConnection, liveEvents, liveSignals } from "../live-events.ts";
import { isParticipant, type Participation, sessionNotFound, type ViewerRole } from "./access.ts";

interface LiveContext {
  db: Database;
  events: AppEventBus;
  connection: LiveConnection | null;
  log: pino.Logger;
}

/**
 * Resolves true once the viewer is no longer one of the session's participants, false when
 * `signal` ends the watch first. Follows the viewer's own sessions list from `from` (read before
 * they were authorized, so a release committed since is not missed) and checks the session
 * again on each release of it: its customer hears the release too, and stays in it.
 */
async function removedFromSession(ctx: LiveContext, viewer: Participation, from: string, signal: AbortSignal) {
  try {
    for await (const [, message] of ctx.events.subscribe("sessions.mine", viewer.userId, {
      lastEventId: from,
      signal,
    })) {
      const mayConcern =
        message.type === "resync" ||
        (message.payload.sessionId === viewer.sessionId && message.payload.reason === "released");
      if (mayConcern && !(await isParticipant(ctx.db, viewer.userId, viewer.sessionId))) return true;
    }
  } catch (error) {
    ctx.log.warn({ err: error, sessionId: viewer.sessionId }, "stopped watching whether a participant left a session");
  }
  return false;
}

/**
 * Yields what `open` yields until the client stops (`signal`) or the viewer leaves the
 * session; then it ends with NOT_FOUND. `open` gets the signal that ends both.
 */
async function* whileParticipant<T>(
  ctx: LiveContext,
  viewer: Participation,
  from: string,
  signal: AbortSignal | undefined,
  open: (signal: AbortSignal) => AsyncIterable<T>,
): AsyncGenerator<T, void, unknown> {
  const stop = new AbortController();
  const ends = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let removed = false;
  const watching = removedFromSession(ctx, viewer, from, ends).then((gone) => {
    removed = gone;
    if (gone) stop.abort();
  });
  try {
    yield* open(ends);
  } finally {
    stop.abort();
    await watching;
  }
  if (removed) throw sessionNotFound();
}

/** The session's events from `lastEventId`, for one of its participants (authorized by the caller). */
export function sessionEvents(
  ctx: LiveContext,
  viewer: Participation,
  options: { from: string; lastEventId: string | null | undefined; signal: AbortSignal | undefined },
) {
  return whileParticipant(ctx, viewer, options.from, options.signal, (ends) =>
    liveEvents(ctx, "sessions.events", viewer.sessionId, { lastEventId: options.lastEventId, signal: ends }),
  );
}

/** How often a subscriber is announced online again, so the other side learns it whichever subscribed first. */
const PRESENCE_EVERY_MS = 15_000;

/**
 * The other participant's signals, for one participant (authorized by the caller). The
 * subscriber is announced online when it subscribes, every PRESENCE_EVERY_MS while subscribed,
 * at once when the other side comes online (so neither waits for the other's next repeat), and
 * offline when it ends. Its own signals are not sent back to it.
 */
export function sessionSignals(
  ctx: LiveContext,
  viewer: Participation,
  options: { from: string; signal: AbortSignal | undefined },
) {
  const announce = (state: "online" | "offline") =>
    ctx.events
      .sendSignal("sessions.signals", viewer.sessionId, { kind: "presence", state }, { from: viewer.role })
      .catch((error: unknown) => ctx.log.warn({ err: error }, "could not announce a participant's presence"));
  return whileParticipant(ctx, viewer, options.from, options.signal, async function* (ends) {
    const feed = liveSignals(ctx, "sessions.signals", viewer.sessionId, { signal: ends });
    await announce("online");
    const repeat = setInterval(() => void announce("online"), PRESENCE_EVERY_MS);
    repeat.unref();
    let otherOnline = false;
    try {
      for await (const { from, payload } of feed) {
        if (from === viewer.role || (from !== "customer" && from !== "mechanic")) continue;
        if (payload.kind === "presence") {
          if (payload.state === "online" && !otherOnline) void announce("online");
          otherOnline = payload.state === "online";
        }
        yield { from: from as ViewerRole, signal: payload };
      }
    } finally {
      clearInterval(repeat);
      await announce("offline");
    }
  });
}
