// The lifecycle of a service session: waiting → active → completed (wrap-up) → rated, or
// cancelled; the join timeout releasing its mechanic and another mechanic taking it over; and
// what each step tells the session page and both people's sessions lists.
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/requests-fixture.ts";
import { payloadOf, sessionsFixture, trackedItem } from "../../test/sessions-fixture.ts";

const f = sessionsFixture();
const { as, watch } = f;

/**
 * What a watch received once its newest item is `last`, without what came before `first` (a
 * watch follows from the bus's cursor, so a change committed just before it may or may not be in it).
 */
async function receivedFrom<T>(watched: { received: T[] }, first: (item: T) => boolean, last: (item: T) => boolean) {
  const started = Date.now();
  while (!watched.received.some(last)) {
    if (Date.now() - started > 10_000)
      throw new Error(`never received the last item: ${JSON.stringify(watched.received)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return watched.received.slice(watched.received.findIndex(first));
}

describe("a session's lifecycle", () => {
  it("accept → join → chat both ways → complete with a wrap-up → the customer rates it", async () => {
    const { sessionId, requestId } = await f.acceptedSession();
    const events = watch("sessions.events", sessionId);
    const customerList = watch("sessions.mine", f.customer.id);
    const mechanicList = watch("sessions.mine", f.mechanic.id);

    const before = await as(f.customer).sessions.get.query({ sessionId });
    expect(before).toMatchObject({
      sessionId,
      requestId,
      type: "chat",
      status: "waiting",
      viewerRole: "customer",
      customerName: "customer",
      mechanicName: "Test Mechanic",
      vehicle: { make: "Toyota", model: "Corolla", year: 2015 },
      urgency: "high",
      startedAt: null,
      wrapUp: null,
      rating: null,
      readThrough: { customer: 0, mechanic: 0 },
      iceServers: [],
    });
    expect(before.joinBy).toBeInstanceOf(Date);
    expect(typeof before.lastEventId).toBe("string");

    const joined = await as(f.mechanic).sessions.join.mutate({ sessionId });
    expect(joined).toMatchObject({ sessionId, status: "active" });
    expect(joined.startedAt).toBeInstanceOf(Date);
    // Joining again (a second tab) changes nothing and says the same.
    expect(await as(f.mechanic).sessions.join.mutate({ sessionId })).toEqual(joined);
    expect(await as(f.mechanic).sessions.get.query({ sessionId })).toMatchObject({
      status: "active",
      viewerRole: "mechanic",
      joinBy: null,
    });

    const sent = await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "k1", body: "  Hello there  " });
    expect(sent).toMatchObject({
      duplicate: false,
      message: { body: "Hello there", authorRole: "customer", clientKey: "k1" },
    });
    await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "k1", body: "Hi!\nWhat's the noise like?" });
    const page = await as(f.mechanic).sessions.messages.query({ sessionId });
    expect(page.messages.map((m) => [m.authorRole, m.body])).toEqual([
      ["customer", "Hello there"],
      ["mechanic", "Hi!\nWhat's the noise like?"],
    ]);
    expect(page.hasOlder).toBe(false);

    const mechanicSessions = await as(f.mechanic).sessions.mine.query({});
    expect(mechanicSessions.sessions).toMatchObject([
      { sessionId, requestId, status: "active", otherName: "customer", vehicle: "2015 Toyota Corolla", rating: null },
    ]);
    expect((await as(f.customer).sessions.mine.query({})).sessions).toMatchObject([
      { sessionId, otherName: "Test Mechanic" },
    ]);

    const completed = await as(f.mechanic).sessions.complete.mutate({
      sessionId,
      diagnosis: "Worn front pads",
      nextSteps: "Replace the front pads this week",
      estimateCents: 12_000,
    });
    expect(completed).toMatchObject({ status: "completed" });
    const rated = await as(f.customer).sessions.rate.mutate({ sessionId, rating: 5, comment: "Clear and quick" });
    expect(rated).toMatchObject({ rating: 5, comment: "Clear and quick" });

    const after = await as(f.customer).sessions.get.query({ sessionId });
    expect(after).toMatchObject({
      status: "completed",
      wrapUp: { diagnosis: "Worn front pads", nextSteps: "Replace the front pads this week", estimateCents: 12_000 },
      rating: { rating: 5, comment: "Clear and quick" },
    });
    expect(after.endedAt).toBeInstanceOf(Date);
    expect((await as(f.mechanic).requests.mechanicProfile.query()).ratingCount).toBe(1);

    const isReason = (reason: string) => (e: object) => "reason" in e && e.reason === reason;
    expect(await receivedFrom(events, isReason("joined"), isReason("rated"))).toMatchObject([
      { kind: "changed", reason: "joined", status: "active" },
      { kind: "message", message: { authorRole: "customer", body: "Hello there" } },
      { kind: "message", message: { authorRole: "mechanic" } },
      { kind: "changed", reason: "completed", status: "completed" },
      { kind: "changed", reason: "rated", status: "completed" },
    ]);
    for (const list of [customerList, mechanicList]) {
      const received = await receivedFrom(list, isReason("joined"), isReason("rated"));
      expect(received.map((e) => [e.sessionId, e.reason])).toEqual([
        [sessionId, "joined"],
        [sessionId, "completed"],
        [sessionId, "rated"],
      ]);
    }
    await Promise.all([events.stop(), customerList.stop(), mechanicList.stop()]);
  });

  it("either participant can cancel a waiting or active session; then nothing more moves it", async () => {
    const waiting = await f.acceptedSession();
    await as(f.customer).sessions.cancel.mutate({ sessionId: waiting.sessionId });
    expect(await as(f.mechanic).sessions.get.query({ sessionId: waiting.sessionId })).toMatchObject({
      status: "cancelled",
    });
    expect(await errorOf(as(f.mechanic).sessions.join.mutate({ sessionId: waiting.sessionId }))).toMatchObject({
      appCode: "SESSION_ENDED",
    });

    const other = await f.newCustomer("cancel");
    const active = await f.activeSession(other);
    const events = watch("sessions.events", active.sessionId);
    await as(f.mechanic).sessions.cancel.mutate({ sessionId: active.sessionId });
    const isCancel = (e: object) => "reason" in e && e.reason === "cancelled";
    expect(await receivedFrom(events, isCancel, isCancel)).toMatchObject([
      { kind: "changed", reason: "cancelled", status: "cancelled" },
    ]);
    await events.stop();
    for (const account of [other, f.mechanic]) {
      expect(await errorOf(as(account).sessions.cancel.mutate({ sessionId: active.sessionId }))).toMatchObject({
        appCode: "SESSION_ENDED",
      });
    }
    expect(
      await errorOf(
        as(f.mechanic).sessions.complete.mutate({ sessionId: active.sessionId, diagnosis: "x", nextSteps: "y" }),
      ),
    ).toMatchObject({ appCode: "SESSION_ENDED" });
    // Active first, then ended; newest first within each.
    const third = await f.activeSession(await f.newCustomer("third"));
    expect((await as(f.mechanic).sessions.mine.query({})).sessions.map((s) => s.sessionId)).toEqual([
      third.sessionId,
      active.sessionId,
      waiting.sessionId,
    ]);
  });

  it("a request still on the board is not a session to its customer yet, and is cancelled as a request", async () => {
    const { sessionId } = await as(f.customer).requests.submit.mutate({
      vehicle: { make: "Ford", model: "Focus", year: 2018 },
      concern: "Stalls at idle after a cold start",
      urgency: "normal",
      sessionType: "chat",
      plan: "basic",
    });
    expect((await as(f.customer).sessions.mine.query({})).sessions).toEqual([]);
    expect(await errorOf(as(f.customer).sessions.cancel.mutate({ sessionId }))).toMatchObject({
      appCode: "SESSION_NOT_ACTIVE",
    });
  });

  it("join timeout: the mechanic is released, their live events end NOT_FOUND, another mechanic accepts and joins", async () => {
    const { sessionId, requestId } = await f.acceptedSession();
    const { lastEventId } = await as(f.mechanic).sessions.get.query({ sessionId });
    const mechanicFeed = await f.follow(f.mechanic, (caller) => caller.sessions.onEvents({ sessionId, lastEventId }));
    const customerFeed = await f.follow(f.customer, (caller) => caller.sessions.onEvents({ sessionId, lastEventId }));

    expect(await f.releaseMechanic(sessionId)).toEqual([requestId]);
    await mechanicFeed.finished();
    expect(mechanicFeed.error()).toMatchObject({ code: "NOT_FOUND", message: "We couldn't find that session." });
    expect(await errorOf(as(f.mechanic).sessions.get.query({ sessionId }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(as(f.mechanic).sessions.join.mutate({ sessionId }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await as(f.mechanic).sessions.mine.query({})).sessions).toEqual([]);

    // The customer stays in it, hears the release, and still sees it in their list (unattended).
    const customerSaw = {
      get received(): object[] {
        return customerFeed.received.map(payloadOf);
      },
    };
    const released = (e: object) => "reason" in e && e.reason === "released";
    await receivedFrom(customerSaw, released, released);
    expect(customerFeed.ended()).toBe(false);
    expect(await as(f.customer).sessions.get.query({ sessionId })).toMatchObject({
      status: "waiting",
      mechanicName: null,
    });
    expect((await as(f.customer).sessions.mine.query({})).sessions).toMatchObject([
      { sessionId, status: "waiting", otherName: null },
    ]);

    const second = await f.newMechanic("second");
    await as(second).requests.accept.mutate({ requestId });
    await as(second).sessions.join.mutate({ sessionId });
    await as(second).sessions.send.mutate({ sessionId, clientKey: "hello", body: "Taking over — hello!" });
    const isMessage = (e: object) => "kind" in e && e.kind === "message";
    expect(await receivedFrom(customerSaw, released, isMessage)).toMatchObject([
      { kind: "changed", reason: "released", status: "waiting" },
      { kind: "changed", reason: "accepted" },
      { kind: "changed", reason: "joined", status: "active" },
      { kind: "message", message: { authorRole: "mechanic", body: "Taking over — hello!" } },
    ]);
    expect(await as(f.customer).sessions.get.query({ sessionId })).toMatchObject({ status: "active" });
    // The released mechanic is still out of it, and can't send to it.
    expect(
      await errorOf(as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "x", body: "Am I in?" })),
    ).toMatchObject({ code: "NOT_FOUND" });
    await customerFeed.stop();
  });

  it("the sessions list follows live, for the caller only", async () => {
    const { lastEventId } = await as(f.customer).sessions.mine.query({});
    const feed = await f.follow(f.customer, (caller) => caller.sessions.onMine({ lastEventId }));
    const { sessionId } = await f.activeSession();
    await f.activeSession(await f.newCustomer("someone-else"));
    await feed.until(2);
    expect(feed.received.map((item) => trackedItem(item).message)).toMatchObject([
      { type: "event", payload: { sessionId, reason: "accepted" } },
      { type: "event", payload: { sessionId, reason: "joined" } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(feed.received).toHaveLength(2);
    await feed.stop();
  });
});
