// The signal shapes are the edge: what one participant's browser may make the other's receive.
import { describe, expect, it } from "vitest";
import { participantSignal, sessionSignals } from "./signals.ts";

const offer = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const candidate = "candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0";

describe("session signals", () => {
  it("accepts typing, SDP offers and answers, ICE candidates (and their end marker) and hang-up", () => {
    for (const signal of [
      { kind: "typing" },
      { kind: "rtc", rtc: { type: "offer", sdp: offer } },
      { kind: "rtc", rtc: { type: "answer", sdp: offer } },
      { kind: "rtc", rtc: { type: "candidate", candidate: { candidate, sdpMid: "0", sdpMLineIndex: 0 } } },
      { kind: "rtc", rtc: { type: "candidate", candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null } } },
      { kind: "rtc", rtc: { type: "hangup" } },
    ]) {
      expect(participantSignal.safeParse(signal).success, JSON.stringify(signal)).toBe(true);
    }
  });

  it("refuses what is not SDP or ICE, unknown kinds, extra fields, NUL bytes, and presence from a participant", () => {
    for (const signal of [
      { kind: "rtc", rtc: { type: "offer", sdp: "<script>alert(1)</script>" } },
      { kind: "rtc", rtc: { type: "offer", sdp: "" } },
      { kind: "rtc", rtc: { type: "answer", sdp: `v=0\r\n\u0000` } },
      { kind: "rtc", rtc: { type: "offer", sdp: `v=0\r\n${"a".repeat(60_000)}` } },
      { kind: "rtc", rtc: { type: "candidate", candidate: { candidate: "hello", sdpMid: "0", sdpMLineIndex: 0 } } },
      { kind: "rtc", rtc: { type: "candidate", candidate: { candidate, sdpMid: "0", sdpMLineIndex: -1 } } },
      { kind: "rtc", rtc: { type: "renegotiate" } },
      { kind: "typing", text: "extra" },
      { kind: "presence", state: "online" },
      { kind: "shout" },
      "typing",
    ]) {
      expect(participantSignal.safeParse(signal).success, JSON.stringify(signal).slice(0, 80)).toBe(false);
    }
  });

  it("lets the server say presence, online or offline only", () => {
    const schema = sessionSignals["sessions.signals"];
    expect(schema.safeParse({ kind: "presence", state: "online" }).success).toBe(true);
    expect(schema.safeParse({ kind: "presence", state: "away" }).success).toBe(false);
  });
});
