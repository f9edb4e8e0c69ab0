import { describe, expect, it } from "vitest";
import { errorOf, intake, requestsFixture } from "../../test/requests-fixture.ts";
import { runTask } from "../../test/run-task.ts";
import { silentLog } from "../../test/services.ts";
import { createAppEventBus } from "../live-events.ts";
import { REQUEST_TASKS, requestTaskList } from "./jobs.ts";
import { releaseUnjoinedSessions } from "./join-timeout.ts";
import { expireStaleRequests } from "./request-lifecycle.ts";

const f = requestsFixture();
const { as, watch } = f;

const userIdOfMechanic = async (mechanicId: string) =>
  (await f.database.db.mechanic.findUniqueOrThrow({ where: { id: mechanicId } })).userId;

async function acceptedRequest(customer = f.customer, mechanic = f.mechanic) {
  const { requestId, sessionId } = await as(customer).requests.submit.mutate(intake);
  await as(mechanic).requests.accept.mutate({ requestId });
  const session = await f.database.db.serviceSession.findUniqueOrThrow({ where: { id: sessionId } });
  return { requestId, sessionId, joinBy: session.joinBy! };
}

const after = (at: Date, ms = 1) => new Date(at.getTime() + ms);

describe("join timeout", () => {
  it("accept → not joined by joinBy → back on the board, customer told → accepted by another mechanic", async () => {
    const board = watch("requests.board", "board");
    const mine = watch("requests.mine", f.customer.id);
    const customerSessions = watch("sessions.mine", f.customer.id);
    const mechanicSessions = watch("sessions.mine", f.mechanic.id);
    const { requestId, sessionId } = await as(f.customer).requests.submit.mutate(intake);
    const status = watch("requests.status", requestId);
    const sessionEvents = watch("sessions.events", sessionId);

    await as(f.mechanic).requests.accept.mutate({ requestId });
    const accepted = await f.database.db.serviceSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(accepted).toMatchObject({ status: "waiting", startedAt: null });
    expect(await userIdOfMechanic(accepted.mechanicId!)).toBe(f.mechanic.id);

    // Not yet due: nothing moves.
    expect(await releaseUnjoinedSessions(f.database.db, f.events, { now: accepted.joinBy! })).toEqual([]);

    const now = after(accepted.joinBy!);
    expect(await releaseUnjoinedSessions(f.database.db, f.events, { now })).toEqual([requestId]);
    const request = await f.database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(request).toMatchObject({ status: "unattended", unattendedAt: now, mechanicId: null, acceptedAt: null });
    expect(await f.database.db.serviceSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "waiting",
      mechanicId: null,
      joinBy: null,
    });
    expect((await as(f.mechanic).requests.board.query({})).items).toMatchObject([{ requestId, unattended: true }]);
    expect(await as(f.customer).requests.get.query({ requestId })).toMatchObject({
      status: "unattended",
      unattendedAt: now,
      mechanicName: null,
    });
    // The released mechanic no longer sees the request as theirs.
    expect(await errorOf(as(f.mechanic).requests.get.query({ requestId }))).toMatchObject({ code: "NOT_FOUND" });

    const other = await f.newMechanic("second");
    const otherSessions = watch("sessions.mine", other.id);
    await as(other).requests.accept.mutate({ requestId });
    const again = await f.database.db.serviceSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(again.status).toBe("waiting");
    expect(await userIdOfMechanic(again.mechanicId!)).toBe(other.id);
    expect(again.joinBy!.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(await as(other).requests.get.query({ requestId })).toMatchObject({
      status: "accepted",
      viewerRole: "mechanic",
    });
    expect((await as(f.mechanic).requests.board.query({})).items).toEqual([]);

    await board.until(4);
    expect(board.received).toMatchObject([
      { kind: "created", card: { requestId, unattended: false } },
      { kind: "accepted", requestId },
      { kind: "created", card: { requestId, unattended: true, urgency: "high" } },
      { kind: "accepted", requestId },
    ]);
    await status.until(3);
    expect(status.received.slice(-3)).toMatchObject([
      { status: "accepted", mechanicName: "Test Mechanic" },
      { status: "unattended", mechanicName: null },
      { status: "accepted", mechanicName: "Test Mechanic" },
    ]);
    await mine.until(4);
    expect(mine.received.map((e) => e.request.status)).toEqual(["pending", "accepted", "unattended", "accepted"]);
    await sessionEvents.until(3);
    expect(sessionEvents.received).toMatchObject([
      { kind: "changed", reason: "accepted", status: "waiting" },
      { kind: "changed", reason: "released", status: "waiting" },
      { kind: "changed", reason: "accepted", status: "waiting" },
    ]);
    await customerSessions.until(3);
    expect(customerSessions.received.map((e) => e.reason)).toEqual(["accepted", "released", "accepted"]);
    await mechanicSessions.until(2);
    expect(mechanicSessions.received.map((e) => e.reason)).toEqual(["accepted", "released"]);
    await otherSessions.until(1);
    expect(otherSessions.received).toMatchObject([{ sessionId, reason: "accepted" }]);

    // As the worker runs it each minute, on the real clock: the new mechanic still has time.
    await runTask(
      requestTaskList({ db: f.database.db, events: f.events, log: silentLog, olderThanMs: 3_600_000 }),
      REQUEST_TASKS.releaseUnjoined,
    );
    expect((await f.database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
      "accepted",
    );
    for (const w of [board, mine, customerSessions, mechanicSessions, status, sessionEvents, otherSessions]) {
      await w.stop();
    }
  });

  it("leaves a session its mechanic joined alone", async () => {
    const { requestId, sessionId, joinBy } = await acceptedRequest();
    // As sessions.join leaves it (sessions/): active, started, no deadline.
    await f.database.db.serviceSession.update({
      where: { id: sessionId },
      data: { status: "active", startedAt: new Date(), joinBy: null },
    });
    expect(await releaseUnjoinedSessions(f.database.db, f.events, { now: after(joinBy, 3_600_000) })).toEqual([]);
    expect((await f.database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
      "accepted",
    );
  });

  it("releases each late mechanic exactly once when two instances sweep at once", async () => {
    const customers = await Promise.all(Array.from({ length: 12 }, (_, i) => f.newCustomer(`late-${i}`)));
    const accepted = [];
    for (const c of customers) accepted.push(await acceptedRequest(c));
    const now = after(new Date(Math.max(...accepted.map((a) => a.joinBy.getTime()))));
    const eventsBefore = await f.database.db.outboxEvent.count();
    const otherInstance = createAppEventBus({ databaseUrl: f.database.url });
    const [a, b] = await Promise.all([
      releaseUnjoinedSessions(f.database.db, f.events, { now, batchSize: 5 }),
      releaseUnjoinedSessions(f.database.db, otherInstance, { now, batchSize: 5 }),
    ]);
    const rest = await releaseUnjoinedSessions(f.database.db, f.events, { now });
    await otherInstance.stop();
    const all = [...a, ...b, ...rest];
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(accepted.map((x) => x.requestId)));
    // Per release: board, status, customer's line, the session's event, both sessions lists.
    expect(await f.database.db.outboxEvent.count()).toBe(eventsBefore + 6 * accepted.length);
  });

  it("cancels, as replaced, a late request whose customer has since made a newer one", async () => {
    const { requestId, sessionId, joinBy } = await acceptedRequest();
    // An accepted request is not open, so the customer may make another without replacing it.
    const newer = await as(f.customer).requests.submit.mutate({ ...intake, urgency: "low" });
    const sessionEvents = watch("sessions.events", sessionId);
    expect(await releaseUnjoinedSessions(f.database.db, f.events, { now: after(joinBy) })).toEqual([requestId]);
    expect(await as(f.customer).requests.get.query({ requestId })).toMatchObject({
      status: "cancelled",
      replacedByRequestId: newer.requestId,
      sessionStatus: "cancelled",
    });
    await sessionEvents.until(1);
    await sessionEvents.stop();
    expect(sessionEvents.received.at(-1)).toMatchObject({ kind: "changed", reason: "released", status: "cancelled" });
    expect((await as(f.mechanic).requests.board.query({})).items.map((i) => i.requestId)).toEqual([newer.requestId]);
  });

  it("expires an unattended request by when it went back on the board, ending its session", async () => {
    const { requestId, sessionId, joinBy } = await acceptedRequest();
    await releaseUnjoinedSessions(f.database.db, f.events, { now: after(joinBy) });
    await expireStaleRequests(f.database.db, f.events, { olderThanMs: 60_000 });
    expect((await f.database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
      "unattended",
    );
    await f.database.db.sessionRequest.update({
      where: { id: requestId },
      data: { unattendedAt: new Date(Date.now() - 3_600_000) },
    });
    const sessionEvents = watch("sessions.events", sessionId);
    expect(await expireStaleRequests(f.database.db, f.events, { olderThanMs: 60_000 })).toEqual([requestId]);
    expect(await as(f.customer).requests.get.query({ requestId })).toMatchObject({
      status: "expired",
      sessionStatus: "cancelled",
    });
    await sessionEvents.until(1);
    await sessionEvents.stop();
    expect(sessionEvents.received.at(-1)).toMatchObject({ kind: "changed", reason: "cancelled", status: "cancelled" });
    expect(await errorOf(as(f.mechanic).requests.accept.mutate({ requestId }))).toMatchObject({
      appCode: "REQUEST_NOT_PENDING",
    });
  });

  it("lets the customer cancel an unattended request, and counts it as open for a new intake", async () => {
    const { requestId, joinBy } = await acceptedRequest();
    await releaseUnjoinedSessions(f.database.db, f.events, { now: after(joinBy) });
    expect(await errorOf(as(f.customer).requests.submit.mutate(intake))).toMatchObject({
      appCode: "REQUEST_PENDING_EXISTS",
    });
    expect(await errorOf(as(f.otherCustomer).requests.cancel.mutate({ requestId }))).toMatchObject({
      code: "NOT_FOUND",
    });
    await as(f.customer).requests.cancel.mutate({ requestId });
    expect(await as(f.customer).requests.get.query({ requestId })).toMatchObject({
      status: "cancelled",
      sessionStatus: "cancelled",
    });
    expect((await as(f.mechanic).requests.board.query({})).items).toEqual([]);
  });
});
