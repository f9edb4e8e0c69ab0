// "Perfect negotiation" (MDN, "Establishing a connection: The WebRTC perfect negotiation pattern"):
// both sides may offer whenever they like; when two offers cross ("glare"), the polite side (the
// customer) rolls its own back and answers, the impolite side (the mechanic) ignores the other's.
// Kept apart from RTCPeerConnection's events so the rules can be tested without a browser.

/** The description and candidate half of the signalling a video call sends through the session. */
export type NegotiationSignal =
  | { type: "offer" | "answer"; sdp: string }
  | {
      type: "candidate";
      candidate: {
        candidate: string;
        sdpMid: string | null;
        sdpMLineIndex: number | null;
        usernameFragment?: string | null;
      };
    };

/** The part of RTCPeerConnection the pattern uses. */
export type NegotiatingConnection = Pick<
  RTCPeerConnection,
  | "signalingState"
  | "localDescription"
  | "setLocalDescription"
  | "setRemoteDescription"
  | "addIceCandidate"
  | "restartIce"
>;

/** What happened to one remote signal. */
export type ReceiveOutcome =
  | "applied"
  /** A crossing offer the impolite side drops (and the candidates that belong to it). */
  | "ignored"
  /** The connection refused a remote offer (for instance one from the other side's fresh connection). */
  | "offer-refused"
  | "failed";

export class PerfectNegotiation {
  makingOffer = false;
  ignoreOffer = false;
  isSettingRemoteAnswerPending = false;

  constructor(
    private readonly pc: NegotiatingConnection,
    readonly polite: boolean,
    private readonly send: (signal: NegotiationSignal) => void,
  ) {}

  /** The connection's negotiationneeded: make an offer (whoever else is offering at the same time). */
  async negotiationNeeded(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
    } catch {
      // The connection moved on (a remote offer arrived, or it closed); the next
      // negotiationneeded or the remote offer's answer carries the negotiation on.
    } finally {
      this.makingOffer = false;
    }
  }

  /** Our offer went unanswered (signals are best-effort): take it back and offer again with fresh ICE. */
  async offerAgain(): Promise<void> {
    if (this.pc.signalingState !== "have-local-offer" || this.makingOffer) return;
    try {
      await this.pc.setLocalDescription({ type: "rollback" });
      // From stable, restartIce fires negotiationneeded: a fresh offer whose candidates the other side has not missed.
      this.pc.restartIce();
    } catch {
      // Closed meanwhile: nothing to offer.
    }
  }

  /** One signal from the other side, applied in arrival order by the caller. */
  async receive(signal: NegotiationSignal): Promise<ReceiveOutcome> {
    if (signal.type === "candidate") {
      try {
        await this.pc.addIceCandidate(signal.candidate);
        return "applied";
      } catch {
        // Candidates of an offer we ignored fail to apply, as they should.
        return this.ignoreOffer ? "ignored" : "failed";
      }
    }
    const readyForOffer =
      !this.makingOffer && (this.pc.signalingState === "stable" || this.isSettingRemoteAnswerPending);
    const offerCollision = signal.type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return "ignored";
    try {
      this.isSettingRemoteAnswerPending = signal.type === "answer";
      // Setting a remote offer over our own rolls ours back (implicit rollback).
      await this.pc.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
    } catch {
      return signal.type === "offer" ? "offer-refused" : "failed";
    } finally {
      this.isSettingRemoteAnswerPending = false;
    }
    if (signal.type === "offer") {
      try {
        await this.pc.setLocalDescription();
        this.sendLocalDescription();
      } catch {
        return "failed";
      }
    }
    return "applied";
  }

  private sendLocalDescription() {
    const description = this.pc.localDescription;
    if (description && (description.type === "offer" || description.type === "answer")) {
      this.send({ type: description.type, sdp: description.sdp });
    }
  }
}
