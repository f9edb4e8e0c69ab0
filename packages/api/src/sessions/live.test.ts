// A session's ephemeral signals between its two participants: typing and video signalling
// reach the other side only, presence is announced by the server (online on subscribing and
// when the other side arrives, offline on leaving), nothing is written, and a participant
// released by the join timeout is cut off with NOT_FOUND.
import { describe, expect, it } from "vitest";
import { sessionsFixture } from "../../test/sessions-fixture.ts";

const f = sessionsFixture();
const { as } = f;

const offer = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

describe("session signals", () => {
  it("typing and rtc reach the other participant only, presence both ways, and no row is written", async () => {
    const { sessionId } = await f.activeSession();
    const customer = await f.follow(f.customer, (caller) => caller.sessions.onSignals({ sessionId }));
    const mechanic = await f.follow(f.mechanic, (caller) => caller.sessions.onSignals({ sessionId }));
    const isOnline = (item: { from: string; signal: { kind: string } }) =>
      item.signal.kind === "presence" && "state" in item.signal && item.signal.state === "online";
    // Whoever subscribed first learns the other is online at once, not at their next repeat.
    await customer.untilSome(isOnline);
    await mechanic.untilSome(isOnline);
    expect(customer.received.every((item) => item.from === "mechanic")).toBe(true);
    expect(mechanic.received.every((item) => item.from === "customer")).toBe(true);

    const before = await f.sessionRowCounts();
    await as(f.mechanic).sessions.signal.mutate({ sessionId, signal: { kind: "typing" } });
    await as(f.customer).sessions.signal.mutate({
      sessionId,
      signal: { kind: "rtc", rtc: { type: "offer", sdp: offer } },
    });
    await customer.untilSome((item) => item.signal.kind === "typing");
    await mechanic.untilSome((item) => item.signal.kind === "rtc");
    expect(mechanic.received.find((item) => item.signal.kind === "rtc")).toEqual({
      from: "customer",
      signal: { kind: "rtc", rtc: { type: "offer", sdp: offer } },
    });
    expect(customer.received.filter((item) => item.signal.kind === "rtc")).toEqual([]);
    expect(mechanic.received.filter((item) => item.signal.kind === "typing")).toEqual([]);
    expect(await f.sessionRowCounts()).toEqual(before);

    await mechanic.stop();
    await customer.untilSome((item) => item.signal.kind === "presence" && !isOnline(item));
    expect(customer.received.at(-1)).toEqual({ from: "mechanic", signal: { kind: "presence", state: "offline" } });
    await customer.stop();
  });

  it("a mechanic released by the join timeout stops receiving signals, with NOT_FOUND", async () => {
    const { sessionId } = await f.acceptedSession();
    const mechanic = await f.follow(f.mechanic, (caller) => caller.sessions.onSignals({ sessionId }));
    await f.releaseMechanic(sessionId);
    await mechanic.finished();
    expect(mechanic.error()).toMatchObject({ code: "NOT_FOUND", message: "We couldn't find that session." });
  });
});
