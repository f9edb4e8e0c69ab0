// The one place every page (a phone's too) learns that live updates are paused: a strip at the
// top of the viewport, outside the header, shown when the connection has been lost for more
// than a moment or the browser is offline, and gone when it is back. The small indicator in the
// header stays as the standing state; this says what it means and what happens next.
import { useEffect, useState } from "react";
import { type ConnectionState, updatesPaused } from "../api/connection-status.ts";
import { useConnectionState } from "../session/use-connection.ts";
import "./connection-banner.css";

/** A reconnect that succeeds within this long (a server restart, a blip) is not worth a banner. */
const RECONNECTING_GRACE_MS = 1_500;

export function ConnectionBanner() {
  const state = useConnectionState();
  const shown = useShownAfterGrace(state);
  // The live region is always in the page, so what appears in it is announced, politely.
  return (
    <div className="connection-banner-region" role="status">
      {shown && (
        <div className="connection-banner" data-state={state}>
          <p>
            <strong>{state === "offline" ? "You're offline." : "Connection lost."}</strong> Live updates are paused
            while Switchboard reconnects by itself. When the connection is back, changes made meanwhile will appear — no
            need to reload.
          </p>
          {state === "offline" && (
            <p>
              Until then, anything you send is refused with a message, never lost (chat messages in a session wait, and
              go as soon as you are back).
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function useShownAfterGrace(state: ConnectionState): boolean {
  const paused = updatesPaused(state);
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    if (!paused) {
      setGraceOver(false);
      return;
    }
    const timer = setTimeout(() => setGraceOver(true), RECONNECTING_GRACE_MS);
    return () => clearTimeout(timer);
  }, [paused]);
  return state === "offline" || (paused && graceOver);
}
