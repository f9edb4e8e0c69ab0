// How responses travel: superjson everywhere (Dates, Maps… survive the wire), except that a live
// event shared by many subscribers is serialized once. Live event messages are plain JSON by
// construction (packages/events shareMessage), so their superjson form is `{ json: value }`, and
// their JSON text is cached; the WebSocket encoder splices it into each subscriber's frame.
// Clients need nothing special: what arrives is exactly what superjson and JSON would produce.
import { isSharedMessage, sharedMessageJson } from "@switchboard/events";
import type { Encoder } from "@trpc/server/adapters/ws";
import superjson from "superjson";

/** A tracked event as tRPC hands it to the transformer: `{ id, data }` around the shared message. */
function sharedTracked(value: unknown): { id: string; data: object } | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as { id?: unknown; data?: unknown };
  if (typeof record.id !== "string" || !isSharedMessage(record.data) || Object.keys(record).length !== 2) return null;
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

export const wsEncoder: Encoder = {
  encode(frame: unknown) {
    const { id, jsonrpc, result } = (frame ?? {}) as DataFrame;
    const shared = result?.type === "data" && result.data?.meta === undefined ? sharedTracked(result.data?.json) : null;
    if (!shared || result?.id !== shared.id) return JSON.stringify(frame);
    const rpc = jsonrpc === undefined ? "" : `,"jsonrpc":${JSON.stringify(jsonrpc)}`;
    const eventId = JSON.stringify(shared.id);
    return `{"id":${JSON.stringify(id)}${rpc},"result":{"type":"data","id":${eventId},"data":{"json":{"id":${eventId},"data":${sharedMessageJson(shared.data)}}}}}`;
  },
  decode(data) {
    if (typeof data !== "string") throw new Error("Switchboard's WebSocket frames are JSON text.");
    return JSON.parse(data);
  },
};
