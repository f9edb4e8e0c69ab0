// How many ephemeral signals (typing, presence, WebRTC signalling) one connection may send: a
// token bucket per connection, kept in this process's memory. On purpose NOT in PostgreSQL like
// the throttle (throttle.ts): that would write a row per keystroke, which is exactly what signals
// exist to avoid; and a signal allowance need not hold across instances, because a connection
// lives on one instance. Hand-written because it is a dozen lines and no dependency offers a
// per-object bucket that forgets its key with the socket (the WeakMap below does).

export interface SignalAllowanceOptions {
  /** Signals per second refilled. */
  perSecond?: number;
  /** Signals that may be sent at once after a quiet spell. */
  burst?: number;
  /** Buckets kept for senders without a connection object (HTTP, keyed by auth session id). */
  maxKeyedSenders?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SignalAllowance {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly maxKeyedSenders: number;
  /** Per WebSocket: forgotten with the socket object. */
  private readonly byConnection = new WeakMap<object, Bucket>();
  /** Per auth session id, for calls without a socket: bounded, least recently used dropped. */
  private readonly byKey = new Map<string, Bucket>();

  constructor(options: SignalAllowanceOptions = {}) {
    this.perSecond = options.perSecond ?? 20;
    this.burst = options.burst ?? 40;
    this.maxKeyedSenders = options.maxKeyedSenders ?? 10_000;
  }

  /** Takes one signal's allowance for `sender`; false when it has none left right now. */
  take(sender: object | string, now = Date.now()): boolean {
    const bucket = this.bucketOf(sender, now);
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Seconds until `sender` may send one more (for Retry-After). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(1 / this.perSecond));
  }

  private bucketOf(sender: object | string, now: number): Bucket {
    if (typeof sender === "object") {
      let bucket = this.byConnection.get(sender);
      if (!bucket) {
        bucket = { tokens: this.burst, at: now };
        this.byConnection.set(sender, bucket);
      }
      return bucket;
    }
    let bucket = this.byKey.get(sender);
    if (bucket) this.byKey.delete(sender);
    else {
      bucket = { tokens: this.burst, at: now };
      if (this.byKey.size >= this.maxKeyedSenders) this.byKey.delete(this.byKey.keys().next().value!);
    }
    this.byKey.set(sender, bucket);
    return bucket;
  }
}
