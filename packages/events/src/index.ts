export { type BusMessage, EventBus, type EventBusOptions, type TopicSchemas, UnknownTopicError } from "./event-bus.ts";
export {
  comparePositions,
  type EventPosition,
  formatEventId,
  lastEventIdSchema,
  parseEventId,
} from "./event-position.ts";
export { isSharedMessage, sharedMessageJson } from "./shared-message.ts";
export { MAX_SIGNAL_BYTES, type SignalMessage, SignalTooLargeError } from "./signals.ts";
export { type DirectDelivery, SlowSubscriberError } from "./subscription.ts";
