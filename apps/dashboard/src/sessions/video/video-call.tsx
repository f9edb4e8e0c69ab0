// A session's video call, beside its chat: the viewer's camera (muted preview), the other
// participant's picture, mute / camera / hang-up. The session page gives the signalling channel
// (sessions.signal rtc / sessions.onSignals rtc from the other side) and the other side's presence.
import { useEffect, useRef, useState } from "react";
import { type CallChannel, CallPeer } from "./call-peer.ts";
import { mediaErrorMessage, openCameraAndMicrophone } from "./media-errors.ts";
import "./video-call.css";

/** @public The call's signalling messages, for a page that carries them (the contract names it here). */
export type { RtcSignal } from "./call-peer.ts";
export type { CallChannel };

export interface VideoCallProps {
  role: "customer" | "mechanic";
  iceServers: RTCIceServer[];
  /** The other participant has the session open (their presence signal). */
  peerOnline: boolean;
  /** Read once, when the call mounts. */
  channel: CallChannel;
}

type Camera =
  | { kind: "starting" }
  | { kind: "blocked"; message: string }
  | { kind: "on"; stream: MediaStream }
  | { kind: "hung-up" };

type ConnectionState = RTCPeerConnectionState | "idle" | "blocked";

export function VideoCall({ role, iceServers, peerOnline, channel }: VideoCallProps) {
  const other = role === "customer" ? "mechanic" : "customer";
  const [camera, setCamera] = useState<Camera>({ kind: "starting" });
  const [connection, setConnection] = useState<RTCPeerConnectionState | "idle">("idle");
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [otherLeft, setOtherLeft] = useState(false);
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const peerRef = useRef<CallPeer | null>(null);
  const channelRef = useRef(channel);
  const iceServersRef = useRef(iceServers);
  iceServersRef.current = iceServers;
  const peerOnlineRef = useRef(peerOnline);
  peerOnlineRef.current = peerOnline;
  const localVideo = useRef<HTMLVideoElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);

  // The connection lives as long as the call is on the page.
  useEffect(() => {
    const peer = new CallPeer({
      polite: role === "customer",
      iceServers: () => iceServersRef.current,
      channel: channelRef.current,
      events: {
        connectionState: setConnection,
        remoteStream: setRemoteStream,
        remoteEnded: setOtherLeft,
      },
    });
    peer.setPeerOnline(peerOnlineRef.current);
    peerRef.current = peer;
    return () => {
      peer.close();
      peerRef.current = null;
    };
  }, [role]);

  useEffect(() => {
    peerRef.current?.setPeerOnline(peerOnline);
  }, [peerOnline]);

  // The camera and microphone: asked for on arrival, on Try again and on Start again.
  useEffect(() => {
    // Each Try again / Start again (a new attempt) asks again.
    if (attempt < 0) return;
    let cancelled = false;
    let opened: MediaStream | null = null;
    setCamera({ kind: "starting" });
    openCameraAndMicrophone().then(
      (stream) => {
        if (cancelled) {
          stopTracks(stream);
          return;
        }
        opened = stream;
        setMuted(false);
        setCameraOff(false);
        setCamera({ kind: "on", stream });
        peerRef.current?.start(stream);
      },
      (error: unknown) => {
        if (!cancelled) setCamera({ kind: "blocked", message: mediaErrorMessage(error) });
      },
    );
    return () => {
      cancelled = true;
      if (opened) stopTracks(opened);
    };
  }, [attempt]);

  const localStream = camera.kind === "on" ? camera.stream : null;
  useEffect(() => {
    if (localVideo.current) localVideo.current.srcObject = localStream;
  }, [localStream]);
  useEffect(() => {
    if (remoteVideo.current) remoteVideo.current.srcObject = remoteStream;
  }, [remoteStream]);

  function toggleMute() {
    if (!localStream) return;
    const next = !muted;
    for (const track of localStream.getAudioTracks()) track.enabled = !next;
    setMuted(next);
  }

  function toggleCamera() {
    if (!localStream) return;
    const next = !cameraOff;
    for (const track of localStream.getVideoTracks()) track.enabled = !next;
    setCameraOff(next);
  }

  function hangUp() {
    peerRef.current?.hangUp();
    if (localStream) stopTracks(localStream);
    setCamera({ kind: "hung-up" });
  }

  const state: ConnectionState = camera.kind === "blocked" ? "blocked" : connection;

  return (
    <section className="video-call" aria-label="Video call" data-connection-state={state}>
      {camera.kind === "blocked" ? (
        <div className="form-error" role="alert">
          <p>{camera.message}</p>
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}
      {camera.kind === "hung-up" ? (
        <div className="video-call-ended">
          <h3>Call ended</h3>
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Start again
          </button>
        </div>
      ) : null}
      {camera.kind === "starting" || camera.kind === "on" ? (
        <>
          <div className="video-call-screens">
            {/* biome-ignore lint/a11y/useMediaCaption: a live call between two people has no caption track to give; the chat beside it is the text channel */}
            <video
              className="video-call-remote"
              data-testid="remote-video"
              aria-label={`The ${other}'s camera`}
              autoPlay
              playsInline
              ref={remoteVideo}
            />
            <video className="video-call-local" aria-label="Your camera" autoPlay playsInline muted ref={localVideo} />
          </div>
          <p className="video-call-status" role="status">
            {callStatus(camera.kind, connection, peerOnline, otherLeft, other)}
          </p>
          <div className="actions video-call-controls">
            <button type="button" className="secondary" onClick={toggleMute} disabled={!localStream}>
              {muted ? "Unmute" : "Mute"}
            </button>
            <button type="button" className="secondary" onClick={toggleCamera} disabled={!localStream}>
              {cameraOff ? "Camera on" : "Camera off"}
            </button>
            <button type="button" className="danger" onClick={hangUp}>
              Hang up
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

function callStatus(
  camera: "starting" | "on",
  connection: RTCPeerConnectionState | "idle",
  peerOnline: boolean,
  otherLeft: boolean,
  other: string,
): string {
  if (camera === "starting") return "Starting your camera and microphone…";
  if (otherLeft) return `The ${other} left the call.`;
  switch (connection) {
    case "connected":
      return `You're connected with the ${other}.`;
    case "connecting":
      return `Connecting to the ${other}…`;
    case "disconnected":
    case "failed":
      // Reconnecting is only worth saying while they are there to reconnect to.
      return peerOnline
        ? `The connection to the ${other} dropped; reconnecting…`
        : `The ${other} has left the session page; the call picks up when they're back.`;
    default:
      return peerOnline ? `Calling the ${other}…` : `Waiting for the ${other} to open the session…`;
  }
}

function stopTracks(stream: MediaStream) {
  for (const track of stream.getTracks()) track.stop();
}
