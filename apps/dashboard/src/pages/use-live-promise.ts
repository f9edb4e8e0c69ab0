// A page that promises to change by itself ("no need to reload") keeps that promise only while
// the live connection is up; while it is paused the page says so instead.
import { updatesPaused } from "../api/connection-status.ts";
import { useConnectionState } from "../session/use-connection.ts";

const pausedPromise = "Live updates are paused until the connection is back; then this page catches up by itself.";

/** `whenLive` while live updates run ("…there's no need to reload."), else what happens instead. */
export function useLivePromise(whenLive: string): string {
  return updatesPaused(useConnectionState()) ? pausedPromise : whenLive;
}
