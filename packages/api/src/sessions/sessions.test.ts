import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/requests-fixture.ts";
import { sessionsFixture } from "../../test/sessions-fixture.ts";

const f = sessionsFixture();
const { as } = f;

describe("sessions", () => {
  it("accept → join → chat both ways → complete → rate", async () => {
    const { sessionId, requestId } = await f.acceptedSession();
    const before = await as(f.customer).sessions.get.query({ sessionId });
    expect(before).toMatchObject({
      sessionId,
      requestId,
      status: "waiting",
      viewerRole: "customer",
      wrapUp: null,
      rating: null,
    });
    expect(before.joinBy).toBeInstanceOf(Date);
    expect(await errorOf(as(f.customer).sessions.join.mutate({ sessionId }))).toMatchObject({
      appCode: "NOT_YOUR_PART",
    });
    const joined = await as(f.mechanic).sessions.join.mutate({ sessionId });
    expect(joined).toMatchObject({ status: "active" });
    expect(await as(f.mechanic).sessions.join.mutate({ sessionId })).toEqual(joined);

    const sent = await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "k1", body: "  Hello there  " });
    expect(sent).toMatchObject({
      duplicate: false,
      message: { body: "Hello there", authorRole: "customer", clientKey: "k1" },
    });
    const again = await as(f.customer).sessions.send.mutate({ sessionId, clientKey: "k1", body: "Hello there" });
    expect(again).toEqual({ ...sent, duplicate: true });
    await as(f.mechanic).sessions.send.mutate({ sessionId, clientKey: "k1", body: "Hi!" });
    const page = await as(f.mechanic).sessions.messages.query({ sessionId });
    expect(page.messages.map((m) => [m.authorRole, m.body])).toEqual([
      ["customer", "Hello there"],
      ["mechanic", "Hi!"],
    ]);
    expect(page.hasOlder).toBe(false);
    expect(await as(f.mechanic).sessions.markRead.mutate({ sessionId, through: 1_000_000 })).toEqual({
      through: page.messages[1]!.position,
    });
    expect(await as(f.mechanic).sessions.markRead.mutate({ sessionId, through: 1 })).toEqual({
      through: page.messages[1]!.position,
    });

    const mine = await as(f.mechanic).sessions.mine.query({});
    expect(mine.sessions).toMatchObject([
      { sessionId, status: "active", otherName: "customer", vehicle: "2015 Toyota Corolla" },
    ]);

    await as(f.mechanic).sessions.complete.mutate({
      sessionId,
      diagnosis: "Worn pads",
      nextSteps: "Replace pads",
      estimateCents: 12000,
    });
    expect(
      await errorOf(as(f.customer).sessions.send.mutate({ sessionId, clientKey: "k2", body: "late" })),
    ).toMatchObject({ appCode: "SESSION_ENDED" });
    await as(f.customer).sessions.rate.mutate({ sessionId, rating: 5, comment: "Great" });
    expect(await errorOf(as(f.customer).sessions.rate.mutate({ sessionId, rating: 4 }))).toMatchObject({
      appCode: "ALREADY_RATED",
    });
    const after = await as(f.customer).sessions.get.query({ sessionId });
    expect(after).toMatchObject({
      status: "completed",
      wrapUp: { diagnosis: "Worn pads", estimateCents: 12000 },
      rating: { rating: 5, comment: "Great" },
    });
  });
});
