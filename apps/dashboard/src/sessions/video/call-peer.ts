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
  /** How long a negotiated connection may stay new, connecting or disconnected before ICE is restarted. */
  stalledMs?: number;
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
  /** Our signals go one after another: sent side by side, a candidate can overtake its offer. */
  private sending: Promise<void> = Promise.resolve();
  /** Candidates that came before their description (kept for the current connection only). */
  private earlyCandidates: NegotiationSignal[] = [];
  private offerRetry: ReturnType<typeof setTimeout> | undefined;
  /** Offers made again without an answer: each waits twice as long, up to 4 times the first wait. */
  private unanswered = 0;
  private failedRetry: ReturnType<typeof setTimeout> | undefined;
  private stallWatch: ReturnType<typeof setInterval> | undefined;
  /** When the current connection's state last changed. */
  private stateSince = 0;
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
    this.send({ type: "hangup" });
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
    if (rtc.type === "candidate" && outcome === "failed" && !pc.remoteDescription) {
      this.earlyCandidates.push(rtc);
      return;
    }
    if (rtc.type !== "candidate" && outcome === "applied") {
      for (const candidate of this.earlyCandidates.splice(0)) await this.negotiation.receive(candidate);
    }
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
    this.earlyCandidates = [];
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
      this.stateSince = Date.now();
      this.options.events.connectionState(pc.connectionState);
      clearTimeout(this.failedRetry);
      if (pc.connectionState === "failed") {
        this.failedRetry = setTimeout(() => {
          if (pc === this.pc && pc.connectionState === "failed" && this.peerOnline) this.connectAfresh();
        }, this.options.failedRetryMs ?? 2_000);
      }
    };
    this.options.events.connectionState(pc.connectionState);
    this.stateSince = Date.now();
    this.watchForStall(pc);
    for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
  }

  /**
   * Candidates are best-effort too: a connection both sides agreed on that never gets (or stays)
   * through is given fresh candidates by an ICE restart (perfect negotiation sorts out who offers).
   */
  private watchForStall(pc: RTCPeerConnection): void {
    const stalledMs = this.options.stalledMs ?? 10_000;
    this.stallWatch = setInterval(() => {
      if (pc !== this.pc || !this.peerOnline || this.ended !== "no") return;
      const unconnected = ["new", "connecting", "disconnected"].includes(pc.connectionState);
      const agreed = pc.signalingState === "stable" && pc.remoteDescription !== null;
      if (unconnected && agreed && Date.now() - this.stateSince >= stalledMs) {
        this.stateSince = Date.now();
        pc.restartIce();
      }
    }, stalledMs / 4);
  }

  private offer(): void {
    const pc = this.pc;
    const negotiation = this.negotiation;
    if (!pc || !negotiation) return;
    this.offerWanted = false;
    void negotiation.negotiationNeeded().then(() => {
      if (pc !== this.pc || pc.signalingState !== "have-local-offer") return;
      clearTimeout(this.offerRetry);
      const wait = (this.options.offerRetryMs ?? 3_000) * 2 ** Math.min(this.unanswered, 2);
      this.offerRetry = setTimeout(() => {
        if (pc !== this.pc || !this.peerOnline) return;
        this.unanswered += 1;
        void negotiation.offerAgain();
      }, wait);
    });
  }

  private send(signal: RtcSignal): void {
    // Best-effort like every signal: an offer that is lost is made again, candidates come with the next one.
    this.sending = this.sending.then(() => this.options.channel.send(signal)).catch(() => undefined);
  }

  private dropConnection(): void {
    clearTimeout(this.offerRetry);
    clearTimeout(this.failedRetry);
    clearInterval(this.stallWatch);
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
