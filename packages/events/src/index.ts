export { type BusMessage, EventBus, type EventBusOptions, type TopicSchemas, UnknownTopicError } from "./event-bus.ts";
export {
  comparePositions,
  type EventPosition,
  formatEventId,
  lastEventIdSchema,
  parseEventId,
} from "./event-position.ts";
export { isSharedMessage, sharedMessageJson } from "./shared-message.ts";
export { type DirectDelivery, SlowSubscriberError } from "./subscription.ts";
