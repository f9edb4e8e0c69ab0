// One side of a session's video call: an RTCPeerConnection negotiated over the session's
// signalling channel (sessions.signal / sessions.onSignals rtc), kept going when signals are lost
// (they are best-effort), when the other side's page comes back (a fresh connection over there)
// and when a connection fails. The component owns the camera; this owns the connection.
import { type NegotiationSignal, PerfectNegotiation } from "./negotiation.ts";

/** One WebRTC signalling message between the two participants (the sessions.signals rtc shape). */
export type RtcSignal = NegotiationSignal | { type: "hangup" };

/** The session's signalling, as the session page provides it. */
export interface CallChannel {
  send(rtc: RtcSignal): Promise<void>;
  /** Signals from the other participant only; returns the unsubscribe. */
  listen(onRtc: (rtc: RtcSignal) => void): () => void;
}

export interface CallPeerEvents {
  /** The current connection's state ("closed" once hung up or left). */
  connectionState(state: RTCPeerConnectionState): void;
  remoteStream(stream: MediaStream | null): void;
  /** The other side hung up (ended: false again when they start again and the call resumes). */
  remoteEnded(ended: boolean): void;
}

export interface CallPeerOptions {
  /** The customer is polite (gives way when offers cross), the mechanic is not. */
  polite: boolean;
  iceServers: () => RTCIceServer[];
  channel: CallChannel;
  events: CallPeerEvents;
  createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /** How long an offer may go unanswered before it is made again (signals can be lost). */
  offerRetryMs?: number;
  /** How long a failed connection is left before a fresh one is negotiated. */
  failedRetryMs?: number;
}

type Ended = "no" | "here" | "there";

export class CallPeer {
  private pc: RTCPeerConnection | null = null;
  private negotiation: PerfectNegotiation | null = null;
  private localStream: MediaStream | null = null;
  /** Signals that came before there was a connection to give them to (from the latest offer on). */
  private early: RtcSignal[] = [];
  private peerOnline = false;
  private peerWasOffline = false;
  /** negotiationneeded came while the other side was away: offer when they are back. */
  private offerWanted = false;
  private ended: Ended = "no";
  private received: Promise<void> = Promise.resolve();
  private offerRetry: ReturnType<typeof setTimeout> | undefined;
  /** Offers made again without an answer: each waits twice as long, up to 8 times the first wait. */
  private unanswered = 0;
  private failedRetry: ReturnType<typeof setTimeout> | undefined;
  private readonly stopListening: () => void;
  private closed = false;

  constructor(private readonly options: CallPeerOptions) {
    this.stopListening = options.channel.listen((rtc) => this.receive(rtc));
  }

  /** The camera is on: connect (again, after a hang-up here) with these tracks. */
  start(localStream: MediaStream): void {
    if (this.closed) return;
    this.localStream = localStream;
    this.ended = "no";
    this.options.events.remoteEnded(false);
    this.connectAfresh();
    const early = this.early.splice(0);
    for (const rtc of early) this.receive(rtc);
  }

  /** Presence of the other participant, from the session's signals. */
  setPeerOnline(online: boolean): void {
    if (online === this.peerOnline) return;
    this.peerOnline = online;
    if (!online) {
      this.peerWasOffline = true;
      return;
    }
    const cameBack = this.peerWasOffline;
    this.peerWasOffline = false;
    const pc = this.pc;
    if (!pc || this.ended !== "no") return;
    if (cameBack && pc.connectionState !== "connected" && pc.connectionState !== "connecting") {
      // Their page came back with a fresh connection of its own: ours is for a page that is gone.
      this.connectAfresh();
    } else if (this.offerWanted && pc.signalingState === "stable") {
      this.offer();
    }
  }

  /** Hang up here: the other side hears it; the call stays down until start() again. */
  hangUp(): void {
    if (this.ended === "here") return;
    this.ended = "here";
    this.early = [];
    this.dropConnection();
    void this.options.channel.send({ type: "hangup" }).catch(() => undefined);
  }

  /** The page is going: no more signals, no connection (without telling the other side, whose presence says it). */
  close(): void {
    this.closed = true;
    this.stopListening();
    this.dropConnection();
  }

  private receive(rtc: RtcSignal): void {
    if (this.closed) return;
    if (rtc.type === "hangup") {
      if (this.ended !== "no") return;
      this.ended = "there";
      this.early = [];
      this.dropConnection();
      this.options.events.remoteEnded(true);
      return;
    }
    if (this.ended === "here") return;
    if (this.ended === "there") {
      // They started again: a fresh offer resumes the call; anything else belongs to the old one.
      if (rtc.type !== "offer") return;
      this.ended = "no";
      this.options.events.remoteEnded(false);
      if (this.localStream) this.connectAfresh();
    }
    if (!this.pc) {
      this.early = rtc.type === "offer" ? [rtc] : [...this.early, rtc];
      return;
    }
    const pc = this.pc;
    this.received = this.received.then(() => this.apply(pc, rtc));
  }

  private async apply(pc: RTCPeerConnection, rtc: NegotiationSignal): Promise<void> {
    if (pc !== this.pc || !this.negotiation) return;
    const outcome = await this.negotiation.receive(rtc);
    if (pc !== this.pc) return;
    if (rtc.type === "offer" && outcome === "applied") this.offerWanted = false;
    if (rtc.type === "answer" && outcome === "applied") {
      clearTimeout(this.offerRetry);
      this.unanswered = 0;
    }
    if (outcome === "offer-refused") {
      // An offer from the other side's fresh connection that ours cannot take: answer it with a fresh one.
      this.connectAfresh();
      await this.apply(this.pc!, rtc);
    }
  }

  private connectAfresh(): void {
    this.dropConnection();
    if (!this.localStream || this.closed) return;
    const create = this.options.createPeerConnection ?? ((configuration) => new RTCPeerConnection(configuration));
    const pc = create({ iceServers: this.options.iceServers() });
    const negotiation = new PerfectNegotiation(pc, this.options.polite, (signal) => this.send(signal));
    this.pc = pc;
    this.negotiation = negotiation;
    this.offerWanted = false;
    this.unanswered = 0;
    this.received = Promise.resolve();
    pc.onnegotiationneeded = () => {
      if (pc !== this.pc) return;
      if (this.peerOnline) this.offer();
      else this.offerWanted = true;
    };
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.pc || !candidate || candidate.candidate === "") return;
      this.send({
        type: "candidate",
        candidate: {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid,
          sdpMLineIndex: candidate.sdpMLineIndex,
          usernameFragment: candidate.usernameFragment,
        },
      });
    };
    pc.ontrack = ({ track, streams }) => {
      if (pc !== this.pc) return;
      const stream = streams[0] ?? new MediaStream([track]);
      this.options.events.remoteStream(stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.options.events.connectionState(pc.connectionState);
      clearTimeout(this.failedRetry);
      if (pc.connectionState === "failed") {
        this.failedRetry = setTimeout(() => {
          if (pc === this.pc && pc.connectionState === "failed" && this.peerOnline) this.connectAfresh();
        }, this.options.failedRetryMs ?? 2_000);
      }
    };
    this.options.events.connectionState(pc.connectionState);
    for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
  }

  private offer(): void {
    const pc = this.pc;
    const negotiation = this.negotiation;
    if (!pc || !negotiation) return;
    this.offerWanted = false;
    void negotiation.negotiationNeeded().then(() => {
      if (pc !== this.pc || pc.signalingState !== "have-local-offer") return;
      clearTimeout(this.offerRetry);
      const wait = (this.options.offerRetryMs ?? 5_000) * 2 ** Math.min(this.unanswered, 3);
      this.offerRetry = setTimeout(() => {
        if (pc !== this.pc || !this.peerOnline) return;
        this.unanswered += 1;
        void negotiation.offerAgain();
      }, wait);
    });
  }

  private send(signal: RtcSignal): void {
    // Best-effort like every signal: an offer that is lost is made again, candidates come with the next one.
    void this.options.channel.send(signal).catch(() => undefined);
  }

  private dropConnection(): void {
    clearTimeout(this.offerRetry);
    clearTimeout(this.failedRetry);
    const pc = this.pc;
    if (!pc) return;
    this.pc = null;
    this.negotiation = null;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    pc.close();
    this.options.events.remoteStream(null);
    this.options.events.connectionState("closed");
  }
}
