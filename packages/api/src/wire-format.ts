// How responses travel: superjson everywhere (Dates, Maps… survive the wire), except that a live
// event shared by many subscribers is serialized once. Live event messages are plain JSON by
// construction (packages/events shareMessage), so their superjson form is `{ json: value }`, and
// their JSON text is cached; the WebSocket encoder splices it into each subscriber's frame.
// Clients need nothing special: what arrives is exactly what superjson and JSON would produce.
//
// This is the one module that knows tRPC's WebSocket frames (`{ id, jsonrpc, result: { type:
// "data", data, id } }`): the transformer's shortcut, the encoder's splice and the frames written
// around tRPC's loop are three halves of one trick, so they change together when tRPC does.
// Everything else uses it through `transformer` (initTRPC), `wsHandlerOptions` (applyWSSHandler)
// and `directFrames` (a live subscription's socket). LIVE_DIRECT_FRAMES=false turns the trick off
// (the server passes no encoder and gives sockets no writer), and
// apps/server/test/wire-contract.test.ts holds both ways to tRPC's real applyWSSHandler, byte for byte.
import { type BusMessage, type DirectDelivery, isSharedMessage, sharedMessageJson } from "@switchboard/events";
import { type TrackedEnvelope, tracked } from "@trpc/server";
import type { Encoder } from "@trpc/server/adapters/ws";
import superjson from "superjson";

/** Where one subscription's frames go on its socket: tRPC's id for it, learnt from its first frame. */
interface FrameRoute {
  known: boolean;
  id: unknown;
  jsonrpc: unknown;
}

/** Per-subscriber stand-ins for a shared message, each telling the encoder whose frame it is. */
const probes = new WeakMap<object, { message: object; route: FrameRoute }>();

const isShared = (value: unknown): value is object =>
  isSharedMessage(value) || (typeof value === "object" && value !== null && probes.has(value));

/** A tracked event as tRPC hands it to the transformer: `{ id, data }` around the shared message. */
function sharedTracked(value: unknown): { id: string; data: object } | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as { id?: unknown; data?: unknown };
  if (typeof record.id !== "string" || !isShared(record.data) || Object.keys(record).length !== 2) return null;
  return { id: record.id, data: record.data };
}

export const transformer = {
  input: superjson,
  output: {
    serialize(value: unknown): unknown {
      const shared = sharedTracked(value);
      return shared ? { json: shared } : superjson.serialize(value);
    },
    deserialize: superjson.deserialize,
  },
};

interface DataFrame {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: { json?: unknown; meta?: unknown } };
}

/**
 * Whole frames of a shared message, by subscription id: subscribers whose clients gave the
 * subscription the same id (wsLink numbers them alike) get the very same frame, so a live event
 * costs one frame per distinct id rather than one per subscriber. Its UTF-8 bytes are kept too,
 * for frames written directly: a thousand sockets then share one buffer instead of each
 * encoding the text again.
 */
interface SharedFrame {
  text: string;
  bytes: Buffer | null;
}
const framesOf = new WeakMap<object, { eventId: string; frames: Map<unknown, Map<unknown, SharedFrame>> }>();

function sharedFrame(id: unknown, jsonrpc: unknown, eventId: string, message: object): SharedFrame {
  let cached = framesOf.get(message);
  if (cached?.eventId !== eventId) {
    cached = { eventId, frames: new Map() };
    framesOf.set(message, cached);
  }
  let byId = cached.frames.get(jsonrpc);
  if (!byId) {
    byId = new Map();
    cached.frames.set(jsonrpc, byId);
  }
  let frame = byId.get(id);
  if (frame === undefined) {
    const rpc = jsonrpc === undefined ? "" : `,"jsonrpc":${JSON.stringify(jsonrpc)}`;
    const quotedId = JSON.stringify(eventId);
    // Key order as tRPC builds the result (type, data, then the tracked id): the same bytes, not just the same JSON.
    const text = `{"id":${JSON.stringify(id)}${rpc},"result":{"type":"data","data":{"json":{"id":${quotedId},"data":${sharedMessageJson(message)}}},"id":${quotedId}}}`;
    frame = { text, bytes: null };
    byId.set(id, frame);
  }
  return frame;
}

const wsEncoder: Encoder = {
  encode(frame: unknown) {
    const { id, jsonrpc, result } = (frame ?? {}) as DataFrame;
    const shared = result?.type === "data" && result.data?.meta === undefined ? sharedTracked(result.data?.json) : null;
    if (!shared || result?.id !== shared.id) return JSON.stringify(frame);
    const probe = probes.get(shared.data);
    if (probe) Object.assign(probe.route, { known: true, id, jsonrpc });
    return sharedFrame(id, jsonrpc, shared.id, probe?.message ?? shared.data).text;
  },
  decode(data) {
    if (typeof data !== "string") throw new Error("Switchboard's WebSocket frames are JSON text.");
    return JSON.parse(data);
  },
};

/**
 * What applyWSSHandler needs for the fast path: with direct frames off, nothing (tRPC's own JSON
 * encoder, one JSON.stringify per subscriber and event); on, the encoder that splices each live
 * event's cached JSON into the frame and learns every subscription's id for directFrames.
 */
export function wsHandlerOptions(directFrames: boolean): { experimental_encoder?: Encoder } {
  return directFrames ? { experimental_encoder: wsEncoder } : {};
}

type LiveEnvelope = TrackedEnvelope<BusMessage<unknown>>;

/**
 * Live events of one WebSocket subscription written as finished frames, around tRPC's
 * per-event loop. Its first live event still goes through tRPC, as a stand-in for the shared
 * message that tells the encoder the subscription's id; from then on every subscriber with that
 * id is sent the same cached frame. Frames are byte for byte what tRPC would have sent.
 * `send` gets the UTF-8 bytes of a text frame.
 */
export function directFrames(send: (frame: Buffer) => void): DirectDelivery<LiveEnvelope> {
  const route: FrameRoute = { known: false, id: undefined, jsonrpc: undefined };
  return {
    send(envelope) {
      const [eventId, message] = envelope;
      if (!route.known || !isSharedMessage(message)) return false;
      const frame = sharedFrame(route.id, route.jsonrpc, eventId, message);
      frame.bytes ??= Buffer.from(frame.text);
      send(frame.bytes);
      return true;
    },
    tag(envelope) {
      const [eventId, message] = envelope;
      if (route.known || !isSharedMessage(message)) return envelope;
      const probe = Object.freeze({ ...message });
      probes.set(probe, { message, route });
      return tracked(eventId, probe);
    },
  };
}
