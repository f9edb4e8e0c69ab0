// The video call's negotiation, without a browser: FakeConnection plays RTCPeerConnection's
// signalling rules (the states, implicit rollback of a local offer by a remote one, candidates
// needing a remote description, negotiationneeded only from stable) and "connects" two of them
// once each holds the other's current description. The browser's own WebRTC is e2e/video.spec.ts's.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CallChannel, CallPeer, type CallPeerEvents, type RtcSignal } from "./call-peer.ts";
import { type NegotiationSignal, PerfectNegotiation } from "./negotiation.ts";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Description = { type: "offer" | "answer"; sdp: string };

const everyConnection = new Map<string, FakeConnection>();
/** While set, no candidate pair gets through: negotiated connections stay "connecting". */
const network = { blocked: false };
let nextId = 0;

class FakeConnection {
  readonly id = `pc${++nextId}`;
  signalingState: RTCSignalingState = "stable";
  connectionState: RTCPeerConnectionState = "new";
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  onnegotiationneeded: ((event: Event) => void) | null = null;
  onicecandidate: ((event: { candidate: RTCIceCandidate | null }) => void) | null = null;
  ontrack: ((event: { track: unknown; streams: unknown[] }) => void) | null = null;
  onconnectionstatechange: ((event: Event) => void) | null = null;
  readonly candidates: RTCIceCandidateInit[] = [];
  private iceGeneration = 0;
  private offers = 0;
  private negotiationNeeded = false;
  /** Like the browser's, several reasons before it fires are one negotiationneeded. */
  private firing = false;
  private stableLocal: Description | null = null;
  private stableRemote: Description | null = null;

  constructor(readonly configuration: RTCConfiguration) {
    everyConnection.set(this.id, this);
  }

  addTrack(): void {
    this.needNegotiation();
  }

  restartIce(): void {
    this.iceGeneration += 1;
    this.needNegotiation();
  }

  /** The browser's operations chain: one description or candidate operation at a time, in call order. */
  private operations: Promise<unknown> = Promise.resolve();

  private chained<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.operations.then(operation);
    this.operations = result.catch(() => undefined);
    return result;
  }

  setLocalDescription(description?: { type: "rollback" }): Promise<void> {
    return this.chained(() => this.settingLocal(description));
  }

  setRemoteDescription(description: Description): Promise<void> {
    return this.chained(() => this.settingRemote(description));
  }

  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.chained(() => this.adding(candidate));
  }

  private async settingLocal(description?: { type: "rollback" }): Promise<void> {
    await tick();
    if (this.signalingState === "closed") throw new DOMException("closed", "InvalidStateError");
    if (description?.type === "rollback") {
      if (this.signalingState !== "have-local-offer") throw new DOMException("no offer", "InvalidStateError");
      this.toStable();
      return;
    }
    if (this.signalingState === "stable" || this.signalingState === "have-local-offer") {
      this.localDescription = { type: "offer", sdp: this.sdp() };
      this.signalingState = "have-local-offer";
    } else if (this.signalingState === "have-remote-offer") {
      this.localDescription = { type: "answer", sdp: this.sdp() };
      this.negotiated();
    } else {
      throw new DOMException("wrong state", "InvalidStateError");
    }
    this.negotiationNeeded = false;
    // Gathering starts once the description is set: the candidates come in later tasks.
    const candidate = this.candidate();
    setTimeout(() => {
      if (this.signalingState === "closed") return;
      this.onicecandidate?.({ candidate });
      this.onicecandidate?.({ candidate: null });
    }, 0);
  }

  private async settingRemote(description: Description): Promise<void> {
    await tick();
    if (this.signalingState === "closed") throw new DOMException("closed", "InvalidStateError");
    if (description.type === "offer") {
      const from = sender(description);
      // Like a connection whose DTLS peer is settled: an offer from another connection is refused.
      if (this.stableRemote && from !== sender(this.stableRemote)) {
        throw new DOMException("Failed to set remote offer sdp: fingerprint changed", "InvalidAccessError");
      }
      if (this.signalingState === "have-local-offer") this.toStable(); // implicit rollback
      if (this.signalingState !== "stable") throw new DOMException("wrong state", "InvalidStateError");
      this.remoteDescription = description;
      this.signalingState = "have-remote-offer";
      return;
    }
    if (this.signalingState !== "have-local-offer") throw new DOMException("no offer to answer", "InvalidStateError");
    this.remoteDescription = description;
    this.negotiated();
  }

  private async adding(candidate: RTCIceCandidateInit): Promise<void> {
    await tick();
    if (!this.remoteDescription) throw new DOMException("no remote description", "InvalidStateError");
    this.candidates.push(candidate);
  }

  close(): void {
    this.signalingState = "closed";
    this.connectionState = "closed";
    for (const other of everyConnection.values()) {
      if (other !== this && other.connectionState === "connected" && sender(other.stableRemote) === this.id) {
        setTimeout(() => other.setConnectionState("disconnected"), 5);
      }
    }
  }

  private sdp(): string {
    return `v=0\r\no=${this.id} ${this.iceGeneration} ${++this.offers}\r\n`;
  }

  private candidate(): RTCIceCandidate {
    return {
      candidate: `candidate:1 1 udp 1 127.0.0.1 ${1000 + this.iceGeneration} typ host`,
      sdpMid: "0",
      sdpMLineIndex: 0,
      usernameFragment: `${this.id}-${this.iceGeneration}`,
    } as RTCIceCandidate;
  }

  private toStable() {
    this.signalingState = "stable";
    this.localDescription = this.stableLocal;
    this.remoteDescription = this.stableRemote;
    if (this.negotiationNeeded) this.fireNegotiationNeeded();
  }

  private negotiated() {
    this.signalingState = "stable";
    this.stableLocal = this.localDescription;
    this.stableRemote = this.remoteDescription;
    if (this.connectionState !== "connected") this.setConnectionState("connecting");
    const other = everyConnection.get(sender(this.stableRemote) ?? "");
    if (!network.blocked && other && other.signalingState === "stable" && sender(other.stableRemote) === this.id) {
      for (const end of [this, other]) {
        if (end.connectionState !== "connected") {
          end.setConnectionState("connected");
          end.ontrack?.({
            track: { kind: "video" },
            streams: [{ id: `stream-of-${end === this ? other.id : this.id}` }],
          });
        }
      }
    }
    if (this.negotiationNeeded) this.fireNegotiationNeeded();
  }

  setConnectionState(state: RTCPeerConnectionState) {
    if (this.signalingState === "closed") return;
    this.connectionState = state;
    this.onconnectionstatechange?.(new Event("connectionstatechange"));
  }

  private needNegotiation() {
    this.negotiationNeeded = true;
    if (this.signalingState === "stable") this.fireNegotiationNeeded();
  }

  private fireNegotiationNeeded() {
    if (this.firing) return;
    this.firing = true;
    setTimeout(() => {
      this.firing = false;
      if (this.negotiationNeeded && this.signalingState === "stable")
        this.onnegotiationneeded?.(new Event("negotiationneeded"));
    }, 0);
  }
}

function sender(description: Description | null): string | null {
  return description ? (/o=(\S+)/.exec(description.sdp)?.[1] ?? null) : null;
}

/** The session's signalling between two participants: delivered a little later, and droppable. */
class Wire {
  readonly sent: { from: string; rtc: RtcSignal }[] = [];
  private readonly listeners = new Map<string, Set<(rtc: RtcSignal) => void>>();
  drop: (from: string, rtc: RtcSignal) => boolean = () => false;
  /** How long a signal takes to arrive (one path can be slower than another). */
  delay: (from: string, rtc: RtcSignal) => number = () => 1;

  channel(self: string, other: string): CallChannel {
    return {
      send: async (rtc) => {
        this.sent.push({ from: self, rtc });
        if (this.drop(self, rtc)) return;
        setTimeout(
          () => {
            for (const listener of this.listeners.get(other) ?? []) listener(rtc);
          },
          this.delay(self, rtc),
        );
      },
      listen: (onRtc) => {
        const mine = this.listeners.get(self) ?? new Set();
        this.listeners.set(self, mine);
        mine.add(onRtc);
        return () => mine.delete(onRtc);
      },
    };
  }

  offersFrom(who: string): number {
    return this.sent.filter((s) => s.from === who && s.rtc.type === "offer").length;
  }
}

interface Side {
  peer: CallPeer;
  states: RTCPeerConnectionState[];
  remote: unknown[];
  ended: boolean[];
  connections: FakeConnection[];
}

const peers: CallPeer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
  everyConnection.clear();
  network.blocked = false;
});

function side(wire: Wire, who: "customer" | "mechanic"): Side {
  const states: RTCPeerConnectionState[] = [];
  const remote: unknown[] = [];
  const ended: boolean[] = [];
  const connections: FakeConnection[] = [];
  const events: CallPeerEvents = {
    connectionState: (state) => states.push(state),
    remoteStream: (stream) => remote.push(stream),
    remoteEnded: (value) => ended.push(value),
  };
  const peer = new CallPeer({
    polite: who === "customer",
    iceServers: () => [{ urls: "stun:stun.example.org" }],
    channel: wire.channel(who, who === "customer" ? "mechanic" : "customer"),
    events,
    createPeerConnection: (configuration) => {
      const connection = new FakeConnection(configuration);
      connections.push(connection);
      return connection as unknown as RTCPeerConnection;
    },
    offerRetryMs: 40,
    failedRetryMs: 20,
    stalledMs: 80,
  });
  peers.push(peer);
  return { peer, states, remote, ended, connections };
}

const camera = { getTracks: () => [{ kind: "audio" }, { kind: "video" }] } as unknown as MediaStream;

async function expectConnected(...sides: Side[]) {
  await vi.waitFor(() => {
    for (const s of sides) expect(s.states.at(-1)).toBe("connected");
  });
}

describe("perfect negotiation", () => {
  function pair() {
    const sent: Record<"polite" | "impolite", NegotiationSignal[]> = { polite: [], impolite: [] };
    const politePc = new FakeConnection({});
    const impolitePc = new FakeConnection({});
    const polite = new PerfectNegotiation(politePc as unknown as RTCPeerConnection, true, (s) => sent.polite.push(s));
    const impolite = new PerfectNegotiation(impolitePc as unknown as RTCPeerConnection, false, (s) =>
      sent.impolite.push(s),
    );
    return { sent, politePc, impolitePc, polite, impolite };
  }

  it("when offers cross, the polite side rolls its own back and answers; the impolite side ignores the other's", async () => {
    const { sent, politePc, impolitePc, polite, impolite } = pair();
    await Promise.all([polite.negotiationNeeded(), impolite.negotiationNeeded()]);
    const politeOffer = sent.polite[0]!;
    const impoliteOffer = sent.impolite[0]!;
    expect([politeOffer.type, impoliteOffer.type]).toEqual(["offer", "offer"]);

    expect(await impolite.receive(politeOffer)).toBe("ignored");
    expect(impolite.ignoreOffer).toBe(true);
    expect(impolitePc.signalingState).toBe("have-local-offer");
    // The ignored offer's candidates do not count as failures.
    const candidate = { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    expect(await impolite.receive({ type: "candidate", candidate })).toBe("ignored");

    expect(await polite.receive(impoliteOffer)).toBe("applied");
    expect(politePc.signalingState).toBe("stable");
    const answer = sent.polite.find((s) => s.type === "answer")!;
    expect(await impolite.receive(answer)).toBe("applied");
    expect(impolitePc.signalingState).toBe("stable");
    expect([politePc.connectionState, impolitePc.connectionState]).toEqual(["connected", "connected"]);
  });

  it("an offer that arrives while the polite side is still making its own is taken, not ignored", async () => {
    const { sent, politePc, polite, impolite } = pair();
    await impolite.negotiationNeeded();
    const making = polite.negotiationNeeded();
    expect(polite.makingOffer).toBe(true);
    const outcome = polite.receive(sent.impolite[0]!);
    await making;
    expect(await outcome).toBe("applied");
    expect(politePc.signalingState).toBe("stable");
    expect(sent.polite.at(-1)?.type).toBe("answer");
  });

  it("a candidate for a description it never had is a failure, not silently taken", async () => {
    const { polite } = pair();
    const outcome = await polite.receive({
      type: "candidate",
      candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    });
    expect(outcome).toBe("failed");
  });

  it("offering again takes the unanswered offer back and restarts ICE, so the next offer has fresh candidates", async () => {
    const { sent, impolitePc, impolite } = pair();
    const negotiationNeeded = vi.fn();
    impolitePc.onnegotiationneeded = negotiationNeeded;
    await impolite.negotiationNeeded();
    expect(impolitePc.signalingState).toBe("have-local-offer");
    await impolite.offerAgain();
    expect(impolitePc.signalingState).toBe("stable");
    await vi.waitFor(() => expect(negotiationNeeded).toHaveBeenCalledOnce());
    await impolite.negotiationNeeded();
    const [first, second] = sent.impolite.filter((s) => s.type === "offer");
    expect(second).toBeDefined();
    expect(second).not.toEqual(first);
  });

  it("refuses an offer the connection cannot take and says so (a fresh connection answers it)", async () => {
    const { sent, politePc, polite, impolite } = pair();
    await impolite.negotiationNeeded();
    await polite.receive(sent.impolite[0]!);
    await impolite.receive(sent.polite.find((s) => s.type === "answer")!);
    expect(politePc.connectionState).toBe("connected");
    const stranger = new PerfectNegotiation(new FakeConnection({}) as unknown as RTCPeerConnection, false, (s) =>
      sent.impolite.push(s),
    );
    await stranger.negotiationNeeded();
    expect(await polite.receive(sent.impolite.at(-1)!)).toBe("offer-refused");
  });
});

describe("a call between the customer and the mechanic", () => {
  it("connects once both have the camera on and see each other online, whoever offers first", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    customer.peer.start(camera);
    mechanic.peer.start(camera);
    await tick();
    // Nobody offers into the void before the other side is there.
    expect(wire.sent).toEqual([]);
    customer.peer.setPeerOnline(true);
    mechanic.peer.setPeerOnline(true);
    await expectConnected(customer, mechanic);
    expect(customer.remote.at(-1)).toBeTruthy();
    expect(mechanic.remote.at(-1)).toBeTruthy();
    expect(customer.connections[0]!.configuration.iceServers).toEqual([{ urls: "stun:stun.example.org" }]);
    // The candidates went across (never the end-of-candidates marker).
    await vi.waitFor(() => expect(customer.connections[0]!.candidates.length).toBeGreaterThan(0));
    expect(wire.sent.some((s) => s.rtc.type === "candidate" && s.rtc.candidate.candidate === "")).toBe(false);
  });

  it("keeps candidates that overtook their offer until the offer is applied", async () => {
    const wire = new Wire();
    wire.delay = (from, rtc) => (from === "mechanic" && rtc.type === "offer" ? 30 : 1);
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    customer.peer.start(camera);
    mechanic.peer.start(camera);
    mechanic.peer.setPeerOnline(true);
    await vi.waitFor(() => expect(wire.offersFrom("mechanic")).toBe(1));
    customer.peer.setPeerOnline(true);
    await expectConnected(customer, mechanic);
    const sentByMechanic = wire.sent.filter((s) => s.from === "mechanic" && s.rtc.type === "candidate").length;
    await vi.waitFor(() => expect(customer.connections[0]!.candidates).toHaveLength(sentByMechanic));
  });

  it("sends its signals one after another, so none overtakes the one before on the way", async () => {
    const started: string[] = [];
    const finish: { resolve: () => void; reject: (error: Error) => void }[] = [];
    const channel: CallChannel = {
      send: (rtc) => {
        started.push(rtc.type);
        return new Promise<void>((resolve, reject) => finish.push({ resolve, reject }));
      },
      listen: () => () => undefined,
    };
    const events: CallPeerEvents = { connectionState: () => {}, remoteStream: () => {}, remoteEnded: () => {} };
    const peer = new CallPeer({
      polite: false,
      iceServers: () => [],
      channel,
      events,
      createPeerConnection: (configuration) => new FakeConnection(configuration) as unknown as RTCPeerConnection,
    });
    peers.push(peer);
    peer.setPeerOnline(true);
    peer.start(camera);
    await vi.waitFor(() => expect(started).toEqual(["offer"]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The candidate is ready, but waits for the offer's send to finish.
    expect(started).toEqual(["offer"]);
    finish[0]!.resolve();
    await vi.waitFor(() => expect(started).toEqual(["offer", "candidate"]));
    // A failed send does not stop the ones after it.
    peer.hangUp();
    finish[1]!.reject(new Error("RATE_LIMITED"));
    await vi.waitFor(() => expect(started).toEqual(["offer", "candidate", "hangup"]));
  });

  it("answers an offer that came before its camera was on", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    mechanic.peer.setPeerOnline(true);
    mechanic.peer.start(camera);
    await vi.waitFor(() => expect(wire.offersFrom("mechanic")).toBeGreaterThanOrEqual(1));
    customer.peer.start(camera);
    await expectConnected(customer, mechanic);
    expect(wire.offersFrom("customer")).toBe(0);
  });

  it("makes a lost offer again, even when the impolite side's offer was the one lost", async () => {
    const wire = new Wire();
    let lost = 0;
    wire.drop = (from, rtc) => {
      if (from !== "mechanic" || rtc.type !== "offer" || lost > 0) return false;
      lost += 1;
      return true;
    };
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    mechanic.peer.start(camera);
    mechanic.peer.setPeerOnline(true);
    await vi.waitFor(() => expect(lost).toBe(1));
    customer.peer.start(camera);
    customer.peer.setPeerOnline(true);
    await expectConnected(customer, mechanic);
    expect(wire.offersFrom("mechanic")).toBeGreaterThanOrEqual(2);
  });

  it("hanging up tells the other side, which resumes when the first starts again", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await expectConnected(customer, mechanic);

    mechanic.peer.hangUp();
    expect(mechanic.states.at(-1)).toBe("closed");
    expect(mechanic.connections[0]!.signalingState).toBe("closed");
    await vi.waitFor(() => expect(customer.ended.at(-1)).toBe(true));
    expect(customer.states.at(-1)).toBe("closed");
    expect(customer.remote.at(-1)).toBeNull();

    mechanic.peer.start(camera);
    await expectConnected(customer, mechanic);
    expect(customer.ended.at(-1)).toBe(false);
  });

  it("after hanging up, the other side's offers do not bring the call back until Start again", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await expectConnected(customer, mechanic);
    customer.peer.hangUp();
    await vi.waitFor(() => expect(mechanic.ended.at(-1)).toBe(true));
    const connectionsBefore = customer.connections.length;
    mechanic.peer.start(camera);
    await vi.waitFor(() => expect(wire.offersFrom("mechanic")).toBeGreaterThanOrEqual(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(customer.connections.length).toBe(connectionsBefore);
    expect(customer.states.at(-1)).toBe("closed");
  });

  it("connects afresh when the other side's page comes back with a new connection", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await expectConnected(customer, mechanic);

    // The mechanic reloads: their page's call goes, the customer hears them go offline and come back.
    mechanic.peer.close();
    customer.peer.setPeerOnline(false);
    await vi.waitFor(() => expect(customer.states.at(-1)).toBe("disconnected"));
    const reloaded = side(wire, "mechanic");
    reloaded.peer.setPeerOnline(true);
    reloaded.peer.start(camera);
    customer.peer.setPeerOnline(true);
    await expectConnected(customer, reloaded);
    expect(customer.connections.length).toBeGreaterThanOrEqual(2);
  });

  it("answers the other side's fresh connection with a fresh one of its own when its connection refuses the offer", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await expectConnected(customer, mechanic);
    // The mechanic's page came back before the customer heard it had gone.
    mechanic.peer.close();
    const reloaded = side(wire, "mechanic");
    reloaded.peer.setPeerOnline(true);
    reloaded.peer.start(camera);
    await expectConnected(customer, reloaded);
    expect(customer.connections.length).toBe(2);
  });

  it("a failed connection is negotiated afresh while the other side is there", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await expectConnected(customer, mechanic);
    customer.connections[0]!.setConnectionState("failed");
    await vi.waitFor(() => expect(customer.connections.length).toBe(2));
    await expectConnected(customer, mechanic);
  });

  it("restarts ICE when a connection both sides agreed on does not get through", async () => {
    const wire = new Wire();
    network.blocked = true;
    const customer = side(wire, "customer");
    const mechanic = side(wire, "mechanic");
    for (const s of [customer, mechanic]) {
      s.peer.start(camera);
      s.peer.setPeerOnline(true);
    }
    await vi.waitFor(() => {
      for (const s of [customer, mechanic]) expect(s.states.at(-1)).toBe("connecting");
    });
    const offers = wire.sent.filter((s) => s.rtc.type === "offer").length;
    network.blocked = false;
    await expectConnected(customer, mechanic);
    // The same connections, with fresh candidates: a restart, not a new call.
    expect(wire.sent.filter((s) => s.rtc.type === "offer").length).toBeGreaterThan(offers);
    expect([customer.connections.length, mechanic.connections.length]).toEqual([1, 1]);
  });

  it("closing stops listening and closes the connection", async () => {
    const wire = new Wire();
    const customer = side(wire, "customer");
    customer.peer.start(camera);
    customer.peer.close();
    expect(customer.connections[0]!.signalingState).toBe("closed");
    const mechanic = side(wire, "mechanic");
    mechanic.peer.setPeerOnline(true);
    mechanic.peer.start(camera);
    await vi.waitFor(() => expect(wire.offersFrom("mechanic")).toBeGreaterThanOrEqual(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(customer.connections.length).toBe(1);
  });
});
