// Why a subscriber was ended: fan-out never waits on a subscriber, so one that falls this far
// behind is ended (its client reconnects and resumes from the outbox) instead of growing memory
// or slowing the others. The bounded buffer itself is Subscription's (subscription.ts).
export class SlowSubscriberError extends Error {
  constructor(readonly limit: number) {
    super(`subscriber fell more than ${limit} events behind`);
    this.name = "SlowSubscriberError";
  }
}
