// A session's chat: idempotent sends under concurrent retries, resuming live events after a
// reconnect with messages committed meanwhile, paging the history, read receipts, and every
// bad input refused with a typed error and nothing written.
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/requests-fixture.ts";
import { payloadOf, sessionsFixture, trackedItem } from "../../test/sessions-fixture.ts";
import { AppErrorCause } from "../errors.ts";
import { createThrottlePool, Throttle } from "../throttle.ts";

/** How a server-side call failed: its tRPC code, machine code and message (callers skip the error formatter). */
async function callerRefusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as Error & { code?: string },
  );
  if (!error) throw new Error("expected the call to fail");
  return {
    code: error.code,
    appCode: error.cause instanceof AppErrorCause ? error.cause.appCode : undefined,
    message: error.message,
  };
}

const f = sessionsFixture();
const { as } = f;

describe("sending", () => {
  it("ten concurrent retries with one client key write one message and one event, and all get it back", async () => {
    const { sessionId } = await f.activeSession();
    const events = f.watch("sessions.events", sessionId);
    const eventsBefore = await f.database.db.outboxEvent.count();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        as(f.customer).sessions.send.mutate({ sessionId, clientKey: "retry-me", body: "Is it safe to drive?" }),
      ),
    );
    expect(new Set(results.map((r) => r.message.messageId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await f.database.db.serviceMessage.count({ where: { sessionId } })).toBe(1);
    expect(await f.database.db.outboxEvent.count()).toBe(eventsBefore + 1);
    // The same key from the other participant is their own message.
    const theirs = await as(f.mechanic).sessions.send.mutate({
      sessionId,
      clientKey: "retry-me",
      body: "Yes, slowly.",
    });
    expect(theirs).toMatchObject({ duplicate: false, message: { authorRole: "mechanic" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      events.received.filter((e) => e.kind === "message").map((e) => e.kind === "message" && e.message.body),
    ).toEqual(["Is it safe to drive?", "Yes, slowly."]);
    await events.stop();
  });

  it("is allowed while the session waits for its mechanic, by either side", async () => {
    const { sessionId } = await f.acceptedSession();
    await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "a", body: "Are you there?" });
    await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "b", body: "Joining in a minute." });
    expect((await as(f.customer).sessions.messages.query({ sessionId })).messages).toHaveLength(2);
  });

  it("a retry of a message sent before the session ended still gets that message back", async () => {
    const { sessionId } = await f.activeSession();
    const sent = await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "before-end", body: "Thanks!" });
    await as(f.mechanic).sessions.cancel.mutate({ sessionId });
    expect(await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "before-end", body: "Thanks!" })).toEqual({
      ...sent,
      duplicate: true,
    });
  });
});

describe("live events", () => {
  it("resume: stop, messages committed meanwhile, resubscribe from the last event id → each exactly once, in order", async () => {
    const { sessionId } = await f.activeSession();
    const { lastEventId } = await as(f.customer).sessions.messages.query({ sessionId });
    const first = await f.follow(f.customer, (caller) => caller.sessions.onEvents({ sessionId, lastEventId }));
    await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "m1", body: "one" });
    await first.untilSome((item) => JSON.stringify(payloadOf(item)).includes('"body":"one"'));
    await first.stop();
    const seen = trackedItem(first.received.at(-1)!).id;

    for (const [index, body] of ["two", "three", "four"].entries()) {
      await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: `m${index + 2}`, body });
    }
    await as(f.customer).sessions.markRead.mutate({ sessionId, through: 1_000 });

    const second = await f.follow(f.customer, (caller) => caller.sessions.onEvents({ sessionId, lastEventId: seen }));
    await second.until(4);
    await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "m5", body: "five" });
    await second.until(5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const payloads = second.received
      .map((item) => trackedItem(item).message)
      .map((m) => m.type === "event" && m.payload);
    expect(payloads).toMatchObject([
      { kind: "message", message: { body: "two" } },
      { kind: "message", message: { body: "three" } },
      { kind: "message", message: { body: "four" } },
      { kind: "read", role: "customer", through: expect.any(Number) },
      { kind: "message", message: { body: "five" } },
    ]);
    await second.stop();
  });
});

describe("history and read receipts", () => {
  it("pages back by position, oldest first", async () => {
    const { sessionId } = await f.activeSession();
    for (let n = 1; n <= 7; n++) {
      await as(n % 2 ? f.customer : f.mechanic).sessions.send.mutate({ sessionId, clientKey: `k${n}`, body: `#${n}` });
    }
    const newest = await as(f.customer).sessions.messages.query({ sessionId, limit: 3 });
    expect(newest.messages.map((m) => m.body)).toEqual(["#5", "#6", "#7"]);
    expect(newest.hasOlder).toBe(true);
    const older = await as(f.customer).sessions.messages.query({
      sessionId,
      limit: 3,
      before: newest.messages[0]!.position,
    });
    expect(older.messages.map((m) => m.body)).toEqual(["#2", "#3", "#4"]);
    const oldest = await as(f.customer).sessions.messages.query({ sessionId, before: older.messages[0]!.position });
    expect(oldest).toMatchObject({ messages: [{ body: "#1", authorRole: "customer" }], hasOlder: false });
  });

  it("moves forward only, never past the newest message, and tells the other side when it moved", async () => {
    const { sessionId } = await f.activeSession();
    const events = f.watch("sessions.events", sessionId);
    const { message } = await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "a", body: "hello" });
    expect(await as(f.mechanic).sessions.markRead.mutate({ sessionId, through: message.position + 50 })).toEqual({
      through: message.position,
    });
    expect(await as(f.mechanic).sessions.markRead.mutate({ sessionId, through: 0 })).toEqual({
      through: message.position,
    });
    expect(await as(f.mechanic).sessions.markRead.mutate({ sessionId, through: message.position })).toEqual({
      through: message.position,
    });
    expect((await as(f.customer).sessions.get.query({ sessionId })).readThrough).toEqual({
      customer: 0,
      mechanic: message.position,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.received.filter((e) => e.kind === "read")).toEqual([
      { kind: "read", role: "mechanic", through: message.position },
    ]);
    await events.stop();
  });
});

describe("bad input: a typed error with a plain message, and nothing written", () => {
  it("refuses empty, blank, oversized and unstorable messages, bad keys, extra fields and malformed ids", async () => {
    const { sessionId } = await f.activeSession();
    const before = await f.sessionRowCounts();
    const send = (input: Record<string, unknown>) =>
      errorOf(as(f.customer).sessions.send.mutate({ sessionId, clientKey: "k", body: "fine", ...input } as never));
    for (const input of [
      { body: "" },
      { body: "   \n\t " },
      { body: "x".repeat(4001) },
      { body: "nul \u0000 byte" },
      { body: "bell \u0007" },
      { clientKey: "" },
      { clientKey: "has space" },
      { clientKey: "k".repeat(101) },
      { sessionId: "not-a-session" },
      { sessionId: 42 },
      { extra: true },
    ]) {
      const error = await send(input);
      expect(error, JSON.stringify(input).slice(0, 60)).toMatchObject({
        code: "BAD_REQUEST",
        appCode: "VALIDATION_FAILED",
      });
      expect(error.message).not.toMatch(/zod|invalid_type|\bExpected\b/);
    }
    expect(await f.sessionRowCounts()).toEqual(before);
    await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "max", body: "x".repeat(4000) });
  });

  it("refuses messages to a completed or cancelled session", async () => {
    const completed = await f.activeSession();
    await as(f.mechanic).sessions.complete.mutate({ sessionId: completed.sessionId, diagnosis: "d", nextSteps: "n" });
    const cancelled = await f.activeSession(await f.newCustomer("cancelled"));
    await as(f.mechanic).sessions.cancel.mutate({ sessionId: cancelled.sessionId });
    const before = await f.sessionRowCounts();
    for (const { sessionId } of [completed, cancelled]) {
      expect(await errorOf(as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "late", body: "hi" }))).toEqual({
        code: "CONFLICT",
        appCode: "SESSION_ENDED",
        message: "This session has ended; messages can no longer be sent.",
        fieldErrors: undefined,
      });
      expect(
        await errorOf(as(f.mechanic).sessions.signal.mutate({ sessionId, signal: { kind: "typing" } })),
      ).toMatchObject({ appCode: "SESSION_ENDED" });
    }
    expect(await f.sessionRowCounts()).toEqual(before);
  });

  it("refuses ratings outside 1–5, before completion and twice; wrap-ups by the customer or before joining", async () => {
    const { sessionId } = await f.acceptedSession();
    const before = await f.sessionRowCounts();
    const wrapUp = { sessionId, diagnosis: "Worn pads", nextSteps: "Replace them" };
    expect(await errorOf(as(f.mechanic).sessions.complete.mutate(wrapUp))).toMatchObject({
      appCode: "SESSION_NOT_ACTIVE",
    });
    await as(f.mechanic).sessions.join.mutate({ sessionId });
    const joined = await f.sessionRowCounts();
    for (const rating of [0, 6, 3.5, -1]) {
      expect(await errorOf(as(f.customer).sessions.rate.mutate({ sessionId, rating }))).toMatchObject({
        appCode: "VALIDATION_FAILED",
      });
    }
    expect(await errorOf(as(f.customer).sessions.rate.mutate({ sessionId, rating: 4 }))).toMatchObject({
      code: "CONFLICT",
      appCode: "SESSION_NOT_COMPLETED",
    });
    expect(await errorOf(as(f.customer).sessions.complete.mutate(wrapUp))).toMatchObject({
      code: "FORBIDDEN",
      appCode: "NOT_YOUR_PART",
    });
    for (const bad of [
      { diagnosis: "" },
      { nextSteps: " " },
      { diagnosis: "x".repeat(4001) },
      { estimateCents: -1 },
      { estimateCents: 100_000_001 },
      { estimateCents: 12.5 },
    ]) {
      expect(await errorOf(as(f.mechanic).sessions.complete.mutate({ ...wrapUp, ...bad }))).toMatchObject({
        appCode: "VALIDATION_FAILED",
      });
    }
    expect(before.messages).toBe(joined.messages);
    expect(await f.sessionRowCounts()).toEqual(joined);

    await as(f.mechanic).sessions.complete.mutate({ ...wrapUp, estimateCents: null });
    expect(await errorOf(as(f.mechanic).sessions.rate.mutate({ sessionId, rating: 5 }))).toMatchObject({
      appCode: "NOT_YOUR_PART",
    });
    await as(f.customer).sessions.rate.mutate({ sessionId, rating: 4 });
    const rated = await f.sessionRowCounts();
    expect(
      await errorOf(as(f.customer).sessions.rate.mutate({ sessionId, rating: 1, comment: "changed my mind" })),
    ).toEqual({
      code: "CONFLICT",
      appCode: "ALREADY_RATED",
      message: "You already rated this session.",
      fieldErrors: undefined,
    });
    expect(await f.sessionRowCounts()).toEqual(rated);
  });

  it("refuses signalling that is not a valid SDP or ICE shape", async () => {
    const { sessionId } = await f.activeSession();
    const before = await f.sessionRowCounts();
    for (const signal of [
      { kind: "rtc", rtc: { type: "offer", sdp: "<script>alert(1)</script>" } },
      { kind: "rtc", rtc: { type: "candidate", candidate: { candidate: "hello", sdpMid: "0", sdpMLineIndex: 0 } } },
      { kind: "rtc", rtc: { type: "renegotiate" } },
      { kind: "presence", state: "online" },
      { kind: "typing", extra: 1 },
    ]) {
      expect(
        await errorOf(as(f.customer).sessions.signal.mutate({ sessionId, signal } as never)),
        JSON.stringify(signal),
      ).toMatchObject({ appCode: "VALIDATION_FAILED" });
    }
    expect(await f.sessionRowCounts()).toEqual(before);
  });

  it("a participant's message flood is RATE_LIMITED (PostgreSQL throttle), the other participant unaffected", async () => {
    const { sessionId } = await f.activeSession();
    const pool = createThrottlePool(f.database.url);
    try {
      const throttle = new Throttle(pool, { limits: { sessionMessagesParticipant: { points: 3, seconds: 60 } } });
      const { caller: customer } = await f.callerWithSignal(f.customer, { throttle });
      const { caller: mechanic } = await f.callerWithSignal(f.mechanic, { throttle });
      for (let n = 0; n < 3; n++) await customer.sessions.send({ sessionId, clientKey: `flood-${n}`, body: `${n}` });
      const before = await f.sessionRowCounts();
      const error = await callerRefusal(customer.sessions.send({ sessionId, clientKey: "flood-3", body: "3" }));
      expect(error).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED" });
      expect(error.message).toMatch(/^You're sending messages too quickly\. Please wait \d+ seconds? and try again\.$/);
      expect(await f.sessionRowCounts()).toEqual(before);
      await mechanic.sessions.send({ sessionId, clientKey: "reply", body: "Slow down :)" });
    } finally {
      await pool.end();
    }
  });
});
