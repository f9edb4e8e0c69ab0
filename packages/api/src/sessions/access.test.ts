// Who may see a session: its two participants only. A stranger customer, a stranger mechanic
// and the mechanic released by the join timeout get NOT_FOUND from every procedure on it —
// subscriptions refused before any event — and nothing is written.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf } from "../../test/requests-fixture.ts";
import { sessionsFixture } from "../../test/sessions-fixture.ts";
import { AppErrorCause } from "../errors.ts";
import { sessionsRouter } from "./router.ts";

const f = sessionsFixture();
const { as } = f;

const offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

/** Every procedure on one session, called as `account` over HTTP, with input that would be valid for a participant. */
function everyProcedure(account: TestAccount, sessionId: string) {
  const api = as(account).sessions;
  return {
    get: () => api.get.query({ sessionId }),
    messages: () => api.messages.query({ sessionId }),
    send: () => api.send.mutate({ sessionId, clientKey: randomUUID(), body: "Let me in" }),
    markRead: () => api.markRead.mutate({ sessionId, through: 1 }),
    join: () => api.join.mutate({ sessionId }),
    complete: () => api.complete.mutate({ sessionId, diagnosis: "d", nextSteps: "n" }),
    cancel: () => api.cancel.mutate({ sessionId }),
    rate: () => api.rate.mutate({ sessionId, rating: 1 }),
    signal: () => api.signal.mutate({ sessionId, signal: { kind: "rtc", rtc: { type: "offer", sdp: offer } } }),
  };
}

const subscriptions = ["onEvents", "onSignals"] as const;
/** Not about one session: the caller's own list. */
const ownList = ["mine", "onMine"];

async function expectShutOut(account: TestAccount, sessionId: string) {
  const before = await f.sessionRowCounts();
  for (const [name, call] of Object.entries(everyProcedure(account, sessionId))) {
    expect(await errorOf(call()), name).toEqual({
      code: "NOT_FOUND",
      appCode: "NOT_FOUND",
      message: "We couldn't find that session.",
      fieldErrors: undefined,
    });
  }
  const { lastEventId } = await as(f.customer).sessions.get.query({ sessionId });
  for (const name of subscriptions) {
    const refused = await f
      .follow(
        account,
        (caller): Promise<AsyncIterable<unknown>> =>
          name === "onEvents"
            ? caller.sessions.onEvents({ sessionId, lastEventId })
            : caller.sessions.onSignals({ sessionId }),
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused, name).toMatchObject({ code: "NOT_FOUND", message: "We couldn't find that session." });
    expect((refused as Error).cause, name).toBeInstanceOf(AppErrorCause);
  }
  expect(await f.sessionRowCounts()).toEqual(before);
  expect((await as(account).sessions.mine.query({})).sessions.map((s) => s.sessionId)).not.toContain(sessionId);
}

describe("who may see a session", () => {
  it("the matrix covers every procedure of the router", () => {
    const covered = [...Object.keys(everyProcedure(f.customer, randomUUID())), ...subscriptions, ...ownList];
    expect(covered.sort()).toEqual(Object.keys(sessionsRouter._def.procedures).sort());
  });

  it("a stranger customer and a stranger mechanic get NOT_FOUND from everything, before any event", async () => {
    const { sessionId } = await f.activeSession();
    await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "a", body: "Private" });
    await expectShutOut(f.otherCustomer, sessionId);
    await expectShutOut(await f.newMechanic("stranger"), sessionId);
  });

  it("so does the mechanic the join timeout released, and a session id that does not exist", async () => {
    const { sessionId } = await f.acceptedSession();
    await f.releaseMechanic(sessionId);
    await expectShutOut(f.mechanic, sessionId);
    for (const [name, call] of Object.entries(everyProcedure(f.customer, randomUUID()))) {
      expect(await errorOf(call()), name).toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("a signed-out caller is told to sign in, not whether the session exists", async () => {
    const { sessionId } = await f.activeSession();
    expect(await errorOf(f.api(null).sessions.get.query({ sessionId }))).toMatchObject({
      appCode: "UNAUTHENTICATED",
    });
  });
});
