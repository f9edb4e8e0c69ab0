// Service sessions' ephemeral signals (packages/events signals.ts): "typing…", presence and the
// WebRTC signalling of video calls. Never a database row; best-effort, so nothing here may be
// something that must not be lost (chat messages are events). The shapes are checked here, at
// the edge, so a participant cannot relay arbitrary data to the other's browser through us.
import { text } from "../input-types.ts";
import { z } from "../validation-messages.ts";

const NOT_SDP = "This is not a WebRTC session description.";
const NOT_CANDIDATE = "This is not a WebRTC ICE candidate.";

/** An SDP offer or answer as RTCPeerConnection writes it: "v=0" first, CRLF-separated lines. */
const sessionDescription = text({ max: 60_000, min: 1, trim: false, multiline: true }).refine(
  (sdp) => sdp.startsWith("v=0\r\n") || sdp.startsWith("v=0\n"),
  { error: NOT_SDP },
);

/** RTCIceCandidateInit; an empty candidate string is the end-of-candidates marker. */
const iceCandidate = z.strictObject({
  candidate: text({ max: 2_000, trim: false }).refine((line) => line === "" || line.startsWith("candidate:"), {
    error: NOT_CANDIDATE,
  }),
  sdpMid: text({ max: 64, trim: false }).nullable(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable(),
  usernameFragment: text({ max: 256, trim: false }).nullish(),
});

/** One WebRTC signalling message of a video call. */
const rtcSignal = z.discriminatedUnion("type", [
  z.strictObject({ type: z.enum(["offer", "answer"]), sdp: sessionDescription }),
  z.strictObject({ type: z.literal("candidate"), candidate: iceCandidate }),
  z.strictObject({ type: z.literal("hangup") }),
]);

/** What a participant may send (presence is the server's to say, from their subscription). */
export const participantSignal = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("typing") }),
  z.strictObject({ kind: z.literal("rtc"), rtc: rtcSignal }),
]);

export const sessionSignals = {
  /** One session's signals (scope: the session id); `from` is the sender's role, stamped by the server. */
  "sessions.signals": z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("typing") }),
    z.strictObject({ kind: z.literal("presence"), state: z.enum(["online", "offline"]) }),
    z.strictObject({ kind: z.literal("rtc"), rtc: rtcSignal }),
  ]),
};
