// Delivering one event to a thousand subscribers should serialize it once, not a thousand times.
// A live event's message is built once per event (plain JSON by construction: the payload comes
// from jsonb, the rest are strings) and frozen; the API's transformer and the WebSocket encoder
// recognise such messages and reuse their serialized form for every subscriber.
const plainMessages = new WeakSet<object>();
const jsonOf = new WeakMap<object, string>();

/** Marks a message as shared by every subscriber and JSON-plain (no Dates, Maps, undefined). */
export function shareMessage<T extends object>(message: T): T {
  Object.freeze(message);
  plainMessages.add(message);
  return message;
}

export function isSharedMessage(value: unknown): value is object {
  return typeof value === "object" && value !== null && plainMessages.has(value);
}

/** The message's JSON text, computed on first use and then reused. */
export function sharedMessageJson(message: object): string {
  let json = jsonOf.get(message);
  if (json === undefined) {
    json = JSON.stringify(message);
    jsonOf.set(message, json);
  }
  return json;
}
