// A session's ephemeral signals (sessions.onSignals, one subscription per page): the other
// participant's "typing…", their presence, and the WebRTC signalling of a video call, dispatched
// to whoever listens. Nothing here is stored: a signal missed while offline is simply gone, and
// presence is kept fresh by the server's repeats (no word for 40 s reads as offline).

import { skipToken } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { trpc } from "../api/trpc.ts";
import type { RtcSignal } from "./video/video-call.tsx";

/** How long "typing…" shows after the other side's last typing signal. */
const TYPING_SHOWN_MS = 4_000;
/** At most one typing signal per this interval while typing. */
const TYPING_EVERY_MS = 2_000;
/** No presence for this long reads as offline (the server repeats it about every 15 s). */
const PRESENCE_LAPSES_MS = 40_000;

export interface SessionSignals {
  otherTyping: boolean;
  otherOnline: boolean;
  /** The viewer is typing: says so to the other side, at most every 2 s. */
  typed: () => void;
  /** The other side's message arrived: their typing is over. */
  otherSent: () => void;
  sendRtc: (rtc: RtcSignal) => Promise<void>;
  listenRtc: (onRtc: (rtc: RtcSignal) => void) => () => void;
}

export function useSessionSignals(sessionId: string, live: boolean): SessionSignals {
  const [typingUntil, setTypingUntil] = useState(0);
  const [presenceAt, setPresenceAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const rtcListeners = useRef(new Set<(rtc: RtcSignal) => void>());
  const lastTypingSent = useRef(0);
  const signal = trpc.sessions.signal.useMutation();
  const send = signal.mutateAsync;

  trpc.sessions.onSignals.useSubscription(live ? { sessionId } : skipToken, {
    onData: ({ signal: received }) => {
      const at = Date.now();
      if (received.kind === "typing") setTypingUntil(at + TYPING_SHOWN_MS);
      else if (received.kind === "presence") {
        setPresenceAt(received.state === "online" ? at : null);
        if (received.state === "offline") setTypingUntil(0);
      } else for (const listener of rtcListeners.current) listener(received.rtc);
      setNow(at);
    },
  });

  // Typing and presence lapse with time, so the page looks at the clock while either could.
  const typingShown = typingUntil > now;
  const online = presenceAt !== null && now - presenceAt < PRESENCE_LAPSES_MS;
  useEffect(() => {
    if (!typingShown && !online) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [typingShown, online]);

  const typed = useCallback(() => {
    if (!live) return;
    const at = Date.now();
    if (at - lastTypingSent.current < TYPING_EVERY_MS) return;
    lastTypingSent.current = at;
    // Best effort: a lost "typing…" is not worth a word to anyone.
    send({ sessionId, signal: { kind: "typing" } }).catch(() => undefined);
  }, [live, send, sessionId]);

  const otherSent = useCallback(() => setTypingUntil(0), []);

  const sendRtc = useCallback(
    async (rtc: RtcSignal) => {
      await send({ sessionId, signal: { kind: "rtc", rtc } });
    },
    [send, sessionId],
  );
  const listenRtc = useCallback((onRtc: (rtc: RtcSignal) => void) => {
    rtcListeners.current.add(onRtc);
    return () => {
      rtcListeners.current.delete(onRtc);
    };
  }, []);

  return useMemo(
    () => ({ otherTyping: typingShown, otherOnline: online, typed, otherSent, sendRtc, listenRtc }),
    [typingShown, online, typed, otherSent, sendRtc, listenRtc],
  );
}
