import { describe, expect, it } from "vitest";
import { SignalAllowance } from "./signal-allowance.ts";

describe("SignalAllowance", () => {
  it("lets a connection send its burst at once, then refuses until time refills it", () => {
    const allowance = new SignalAllowance({ perSecond: 10, burst: 3 });
    const connection = {};
    const taken = [0, 0, 0, 0].map(() => allowance.take(connection, 1000));
    expect(taken).toEqual([true, true, true, false]);
    expect(allowance.take(connection, 1050)).toBe(false);
    expect(allowance.take(connection, 1100)).toBe(true);
    expect(allowance.take(connection, 1100)).toBe(false);
  });

  it("refills no further than the burst after a long quiet spell", () => {
    const allowance = new SignalAllowance({ perSecond: 10, burst: 2 });
    const connection = {};
    allowance.take(connection, 0);
    const taken = [0, 0, 0].map(() => allowance.take(connection, 60_000));
    expect(taken).toEqual([true, true, false]);
  });

  it("keeps one bucket per connection, so one sender's flood does not silence another", () => {
    const allowance = new SignalAllowance({ perSecond: 1, burst: 1 });
    const flooding = {};
    const other = {};
    expect(allowance.take(flooding, 0)).toBe(true);
    expect(allowance.take(flooding, 0)).toBe(false);
    expect(allowance.take(other, 0)).toBe(true);
  });

  it("keys senders without a socket by their session id, holding a bounded number", () => {
    const allowance = new SignalAllowance({ perSecond: 1, burst: 1, maxKeyedSenders: 2 });
    expect(allowance.take("session-a", 0)).toBe(true);
    expect(allowance.take("session-a", 0)).toBe(false);
    allowance.take("session-b", 0);
    allowance.take("session-c", 0);
    // session-a was the least recently used and was forgotten: it starts afresh.
    expect(allowance.take("session-a", 0)).toBe(true);
  });
});
