// A session's live conversation: its messages (sessions.messages, then sessions.onEvents from
// the session's lastEventId, each message once and in order however often a reconnect replays
// it), how far each side has read, and word that the session changed (the page reads it again).
// The subscription is tracked, so after a dropped connection wsLink resumes it from the last
// event it received and nothing sent meanwhile is lost.
import { skipToken } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { liveProblemOf, onLiveMessage } from "../api/live-updates.ts";
import { trpc } from "../api/trpc.ts";
import { type ChatMessage, chatMessageOf, mergeMessages, type Role } from "./chat-state.ts";
import type { SessionView } from "./session-labels.ts";

/** How many messages one read brings: the latest first, then older ones on request. */
const PAGE = 100;

export interface SessionEvents {
  messages: readonly ChatMessage[];
  /** The first read is done (until then the conversation says it is loading). */
  loaded: boolean;
  loadProblem: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  readThrough: Record<Role, number>;
  /** A message the page has itself (its own send's answer). */
  add: (message: ChatMessage) => void;
  /** The viewer is no longer one of the session's participants (a mechanic released by the join timeout). */
  released: boolean;
  liveProblem: ReturnType<typeof liveProblemOf>;
}

export function useSessionEvents(view: SessionView, onChanged: () => void): SessionEvents {
  const { sessionId } = view;
  const utils = trpc.useUtils();
  const [messages, setMessages] = useState<readonly ChatMessage[]>([]);
  const [readThrough, setReadThrough] = useState(view.readThrough);
  const [hasOlder, setHasOlder] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [releasedByEvent, setReleasedByEvent] = useState(false);
  // Where the subscription follows from: the session's own read, and after a resync the fresh one.
  const [from, setFrom] = useState(view.lastEventId);

  const add = useCallback((message: ChatMessage) => setMessages((held) => mergeMessages(held, [message])), []);

  // The readThrough a later read of the session brings only ever moves forward.
  useEffect(() => {
    setReadThrough((current) => ({
      customer: Math.max(current.customer, view.readThrough.customer),
      mechanic: Math.max(current.mechanic, view.readThrough.mechanic),
    }));
  }, [view.readThrough.customer, view.readThrough.mechanic]);

  const readLatest = useCallback(async () => {
    try {
      const page = await utils.client.sessions.messages.query({ sessionId, limit: PAGE });
      setMessages((held) => mergeMessages(held, page.messages.map(chatMessageOf)));
      // Older pages already held stay held; only a first read decides whether there are more.
      setHasOlder((current) => current || page.hasOlder);
      setLoaded(true);
      setLoadProblem(null);
    } catch (error) {
      setLoadProblem(readAppError(error).message);
    }
  }, [utils, sessionId]);

  useEffect(() => {
    void readLatest();
  }, [readLatest]);

  const oldest = messages[0]?.position;
  const loadOlder = useCallback(() => {
    if (oldest === undefined) return;
    setLoadingOlder(true);
    utils.client.sessions.messages
      .query({ sessionId, before: oldest, limit: PAGE })
      .then((page) => {
        setMessages((held) => mergeMessages(held, page.messages.map(chatMessageOf)));
        setHasOlder(page.hasOlder);
        setLoadProblem(null);
      })
      .catch((error: unknown) => setLoadProblem(readAppError(error).message))
      .finally(() => setLoadingOlder(false));
  }, [utils, sessionId, oldest]);

  const changed = useRef(onChanged);
  changed.current = onChanged;
  const viewerRole = view.viewerRole;

  const subscription = trpc.sessions.onEvents.useSubscription(
    releasedByEvent ? skipToken : { sessionId, lastEventId: from },
    {
      onData: onLiveMessage({
        resync: () => {
          // The events we missed are gone: read the session and its latest messages again, and follow on from there.
          void utils.sessions.get.fetch({ sessionId }).then((fresh) => {
            void readLatest();
            setFrom(fresh.lastEventId);
          });
        },
        event: (event) => {
          if (event.kind === "message") {
            add(chatMessageOf(event.message));
          } else if (event.kind === "read") {
            setReadThrough((current) =>
              event.through > current[event.role] ? { ...current, [event.role]: event.through } : current,
            );
          } else if (event.reason === "released" && viewerRole === "mechanic") {
            // This mechanic is out of the session; the server ends the subscription too.
            setReleasedByEvent(true);
          } else {
            changed.current();
          }
        },
      }),
    },
  );

  const ended = subscription.status === "error" ? readAppError(subscription.error) : null;
  const released = releasedByEvent || (viewerRole === "mechanic" && ended?.appCode === "NOT_FOUND");
  return {
    messages,
    loaded,
    loadProblem,
    hasOlder,
    loadingOlder,
    loadOlder,
    readThrough,
    add,
    released,
    liveProblem: released ? null : liveProblemOf(subscription),
  };
}
