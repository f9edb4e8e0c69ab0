import { randomUUID } from "node:crypto";
import type { TestDatabase } from "@switchboard/testing";
import type { TRPCClientError } from "@trpc/client";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../../test/accounts.ts";
import { errorOf, intake, requestsFixture } from "../../test/requests-fixture.ts";
import { runTask } from "../../test/run-task.ts";
import { silentLog } from "../../test/services.ts";
import { type AppEventBus, createAppEventBus } from "../live-events.ts";
import type { appRouter } from "../root.ts";
import { DEFAULT_SERVICE_SESSION_SETTINGS } from "../service-session-settings.ts";
import { REQUEST_TASKS, requestTaskList } from "./jobs.ts";
import { expireStaleRequests } from "./request-lifecycle.ts";

const fixture = requestsFixture();
const { as, callerAs, watch, rowCounts } = fixture;
let database: TestDatabase;
let events: AppEventBus;
let api: typeof fixture.api;
let customer: TestAccount;
let otherCustomer: TestAccount;
let mechanic: TestAccount;
beforeAll(() => {
  ({ database, events, api, customer, otherCustomer, mechanic } = fixture);
});

describe("intake", () => {
  it("creates the intake, session and pending request together and puts it on the board live", async () => {
    const board = watch("requests.board", "board");
    const created = await as(customer).requests.submit.mutate(intake);
    expect(created.status).toBe("pending");

    const request = await database.db.sessionRequest.findUniqueOrThrow({
      where: { id: created.requestId },
      include: { session: true },
    });
    expect(request.metadata).toEqual({ sessionId: created.sessionId, intakeId: created.intakeId, urgency: "high" });
    expect(request.session.intakeId).toBe(created.intakeId);
    expect(request.mechanicId).toBeNull();

    await board.until(1);
    await board.stop();
    expect(board.received[0]).toMatchObject({
      kind: "created",
      card: { requestId: created.requestId, vehicle: intake.vehicle, urgency: "high" },
    });

    const page = await as(mechanic).requests.board.query({});
    expect(page.items.map((i) => i.requestId)).toEqual([created.requestId]);
    expect(page.lastEventId).toMatch(/^\d+\.\d+$/);
  });

  it("replaces the customer's open request when they confirm, pointing the old one at the new", async () => {
    const board = watch("requests.board", "board");
    const first = await as(customer).requests.submit.mutate(intake);
    const second = await as(customer).requests.submit.mutate({ ...intake, urgency: "low", replacePending: true });
    expect(second.replacedRequestIds).toEqual([first.requestId]);
    const statuses = await database.db.sessionRequest.findMany({ select: { id: true, status: true } });
    expect(new Map(statuses.map((s) => [s.id, s.status]))).toEqual(
      new Map([
        [first.requestId, "cancelled"],
        [second.requestId, "pending"],
      ]),
    );
    await board.until(3);
    await board.stop();
    expect(board.received.map((e) => (e as { kind: string }).kind)).toEqual(["created", "cancelled", "created"]);
    expect(await as(customer).requests.get.query({ requestId: first.requestId })).toMatchObject({
      status: "cancelled",
      replacedByRequestId: second.requestId,
    });
    const { requests } = await as(customer).requests.mine.query();
    expect(requests.map((r) => [r.requestId, r.replaced])).toEqual([
      [second.requestId, false],
      [first.requestId, true],
    ]);
  });

  it("refuses a second open request unless the customer confirms replacing it, writing nothing", async () => {
    const first = await as(customer).requests.submit.mutate(intake);
    const before = await rowCounts();
    expect(await errorOf(as(customer).requests.submit.mutate({ ...intake, urgency: "low" }))).toMatchObject({
      code: "CONFLICT",
      appCode: "REQUEST_PENDING_EXISTS",
      message: "You already have a request waiting for a mechanic. Sending this one will replace it.",
    });
    expect(await rowCounts()).toEqual(before);
    expect(await as(customer).requests.get.query({ requestId: first.requestId })).toMatchObject({
      status: "pending",
      replacedByRequestId: null,
    });
    // Another customer's open request is no obstacle.
    await as(otherCustomer).requests.submit.mutate(intake);
  });

  it("writes nothing when any part fails, and says so plainly", async () => {
    const { db } = database;
    // Fail the request insert, which runs after the session insert.
    await db.$executeRawUnsafe(
      `CREATE FUNCTION fail_request_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER fail_request_insert BEFORE INSERT ON session_requests FOR EACH ROW EXECUTE FUNCTION fail_request_insert()`,
    );
    try {
      const before = await rowCounts();
      const error = await errorOf(as(customer).requests.submit.mutate(intake));
      expect(error).toMatchObject({ code: "INTERNAL_SERVER_ERROR", appCode: "INTERNAL" });
      expect(error.message).toMatch(/^Something went wrong — reference [0-9a-f]+$/);
      expect(await rowCounts()).toEqual(before);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER fail_request_insert ON session_requests`);
      await db.$executeRawUnsafe(`DROP FUNCTION fail_request_insert()`);
    }
  });

  it("allows at most one pending request per customer in the database itself", async () => {
    const first = await as(customer).requests.submit.mutate(intake);
    const session = await database.db.serviceSession.findUniqueOrThrow({ where: { id: first.sessionId } });
    const attempt = database.db.$executeRawUnsafe(
      `INSERT INTO service_sessions (customer_id, intake_id, type) SELECT customer_id, intake_id, type FROM service_sessions WHERE false`,
    );
    await attempt;
    const duplicate = database.db.$executeRaw`
      WITH s AS (
        INSERT INTO customer_intakes (customer_id, vehicle_make, vehicle_model, vehicle_year, concern, session_type, plan)
        VALUES (${session.customerId}::uuid, 'Ford', 'Focus', 2010, 'duplicate pending', 'chat', 'basic') RETURNING id),
      ss AS (INSERT INTO service_sessions (customer_id, intake_id, type) SELECT ${session.customerId}::uuid, id, 'chat' FROM s RETURNING id)
      INSERT INTO session_requests (session_id, customer_id, updated_at) SELECT id, ${session.customerId}::uuid, now() FROM ss`;
    await expect(duplicate).rejects.toThrow(/session_requests_one_open_per_customer|Unique constraint/);
  });

  it("keeps exactly one pending request when one customer submits five times at once", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => as(customer).requests.submit.mutate({ ...intake, replacePending: true })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status === "rejected")
        expect((r.reason as TRPCClientError<typeof appRouter>).message).toBe(
          "Your request was sent twice at the same moment. Please try again.",
        );
    expect(await database.db.sessionRequest.count({ where: { customerId: customer.id, status: "pending" } })).toBe(1);
  });
});

describe("accept", () => {
  it("tells the winner who clicks Accept again that the request is already theirs", async () => {
    const { requestId } = await as(customer).requests.submit.mutate(intake);
    await as(mechanic).requests.accept.mutate({ requestId });
    const again = await as(mechanic)
      .requests.accept.mutate({ requestId })
      .then(
        () => null,
        (e: unknown) => e as TRPCClientError<typeof appRouter>,
      );
    expect(again?.data).toMatchObject({ code: "CONFLICT", appCode: "REQUEST_ALREADY_ACCEPTED" });
    expect(again?.message).toBe("You already accepted this request — it's yours.");
  });

  it("lets exactly one of 50 concurrent mechanics win; the others hear who won", async () => {
    const mechanics = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createTestAccount(database.db, {
          email: `racer-${i}-${randomUUID()}@example.com`,
          role: "mechanic",
          mechanicProfile: true,
        }),
      ),
    );
    const { requestId, sessionId } = await as(customer).requests.submit.mutate(intake);
    const status = watch("requests.status", requestId);
    const results = await Promise.allSettled(mechanics.map((m) => as(m).requests.accept.mutate({ requestId })));

    const winners = results.filter((r) => r.status === "fulfilled");
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") {
        const e = r.reason as TRPCClientError<typeof appRouter>;
        expect(e.data?.code).toBe("CONFLICT");
        expect((e.data as { appCode?: string }).appCode).toBe("REQUEST_ALREADY_ACCEPTED");
        expect(e.message).toBe("Another mechanic accepted this request.");
      }
    }
    const session = await database.db.serviceSession.findUniqueOrThrow({
      where: { id: sessionId },
      include: { mechanic: true },
    });
    const request = await database.db.sessionRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(session.mechanicId).toBe(request.mechanicId);
    // Accepted, not yet joined: the session waits for its mechanic, who must join in time.
    expect(session.status).toBe("waiting");
    expect(session.startedAt).toBeNull();
    expect(session.joinBy!.getTime() - request.acceptedAt!.getTime()).toBe(
      DEFAULT_SERVICE_SESSION_SETTINGS.joinWithinMs,
    );
    await status.until(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await status.stop();
    // The watch may start before the bus has dispatched the intake's own `pending` event, so
    // that one can arrive too; what matters is one `accepted` event, last, naming the winner.
    const accepted = status.received.filter((event) => (event as { status: string }).status === "accepted");
    expect(accepted).toEqual([expect.objectContaining({ mechanicName: "Test Mechanic" })]);
    expect(status.received.at(-1)).toBe(accepted[0]);
    const customerView = await as(customer).requests.get.query({ requestId });
    expect(customerView).toMatchObject({
      status: "accepted",
      mechanicName: "Test Mechanic",
      sessionStatus: "waiting",
      viewerRole: "customer",
    });
    const winner = mechanics[results.findIndex((r) => r.status === "fulfilled")]!;
    expect(await as(winner).requests.get.query({ requestId })).toMatchObject({ viewerRole: "mechanic" });
  }, 60_000);

  it("refuses cancelled, expired and unknown requests with plain reasons", async () => {
    const cancelled = await as(customer).requests.submit.mutate(intake);
    await as(customer).requests.cancel.mutate({ requestId: cancelled.requestId });
    expect(await errorOf(as(mechanic).requests.accept.mutate({ requestId: cancelled.requestId }))).toMatchObject({
      appCode: "REQUEST_NOT_PENDING",
      message: "The customer cancelled this request.",
    });
    const expiring = await as(otherCustomer).requests.submit.mutate(intake);
    await database.db.sessionRequest.update({
      where: { id: expiring.requestId },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    // As the worker runs it each minute (requests/jobs.ts).
    await runTask(
      requestTaskList({ db: database.db, events, log: silentLog, olderThanMs: 60_000 }),
      REQUEST_TASKS.expireStale,
    );
    expect(await errorOf(as(mechanic).requests.accept.mutate({ requestId: expiring.requestId }))).toMatchObject({
      appCode: "REQUEST_NOT_PENDING",
      message: "This request expired before anyone accepted it.",
    });
    expect(await errorOf(as(mechanic).requests.accept.mutate({ requestId: randomUUID() }))).toMatchObject({
      code: "NOT_FOUND",
      message: "We couldn't find that request.",
    });
  });
});

describe("cancel and expiry", () => {
  it("lets only the customer cancel their own pending request", async () => {
    const { requestId } = await as(customer).requests.submit.mutate(intake);
    expect(await errorOf(as(otherCustomer).requests.cancel.mutate({ requestId }))).toMatchObject({ code: "NOT_FOUND" });
    await as(customer).requests.cancel.mutate({ requestId });
    expect(await errorOf(as(customer).requests.cancel.mutate({ requestId }))).toMatchObject({
      appCode: "REQUEST_NOT_PENDING",
      message: "This request was already cancelled.",
    });
    expect((await as(mechanic).requests.board.query({})).items).toEqual([]);
  });

  it("expires stale requests exactly once when two instances run the job at once", async () => {
    const customers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createTestAccount(database.db, { email: `stale-${i}-${randomUUID()}@example.com` }),
      ),
    );
    const ids = [];
    for (const c of customers) ids.push((await as(c).requests.submit.mutate(intake)).requestId);
    await database.db.sessionRequest.updateMany({
      where: { id: { in: ids } },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    const fresh = await as(customer).requests.submit.mutate(intake);
    const eventsBefore = await database.db.outboxEvent.count();

    const otherInstance = createAppEventBus({ databaseUrl: database.url });
    const [a, b] = await Promise.all([
      expireStaleRequests(database.db, events, { olderThanMs: 60_000, batchSize: 7 }),
      expireStaleRequests(database.db, otherInstance, { olderThanMs: 60_000, batchSize: 7 }),
    ]);
    const rest = await expireStaleRequests(database.db, events, { olderThanMs: 60_000 });
    await otherInstance.stop();
    const all = [...a, ...b, ...rest];
    expect(new Set(all).size).toBe(all.length); // nobody expired twice
    expect(new Set(all)).toEqual(new Set(ids));
    // board, status and the customer's own list, once each
    expect(await database.db.outboxEvent.count()).toBe(eventsBefore + 3 * ids.length);
    const board = await as(mechanic).requests.board.query({});
    expect(board.items.map((i) => i.requestId)).toEqual([fresh.requestId]);
  });
});

describe("board", () => {
  it("pages open requests oldest first without gaps or repeats", async () => {
    const customers = await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        createTestAccount(database.db, { email: `page-${i}-${randomUUID()}@example.com` }),
      ),
    );
    const created: string[] = [];
    for (const c of customers) created.push((await as(c).requests.submit.mutate(intake)).requestId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof as>["requests"]["board"]["query"]>> = await as(
        mechanic,
      ).requests.board.query({ cursor, limit: 10 });
      seen.push(...page.items.map((i) => i.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
  });

  it("tells the customer, and nobody else, about their own requests as they are made and accepted", async () => {
    const mine = watch("requests.mine", customer.id);
    const others = watch("requests.mine", otherCustomer.id);
    const { lastEventId } = await as(customer).requests.mine.query();
    const { requestId } = await as(customer).requests.submit.mutate(intake);
    await as(mechanic).requests.accept.mutate({ requestId });
    await mine.until(2);
    expect(mine.received).toMatchObject([
      { request: { requestId, status: "pending", mechanicName: null } },
      { request: { requestId, status: "accepted", mechanicName: expect.any(String) } },
    ]);
    const { requests } = await as(customer).requests.mine.query();
    expect(mine.received[1]).toEqual({ request: { ...requests[0], createdAt: requests[0]!.createdAt.toISOString() } });
    // Followed from where the list was read, only as oneself.
    const stream = await (await callerAs(customer)).requests.onMine({ lastEventId });
    for await (const event of stream) {
      const [, message] = event as unknown as [string, unknown];
      expect(message).toMatchObject({ type: "event", payload: { request: { requestId, status: "pending" } } });
      break;
    }
    await mine.stop();
    await others.stop();
    expect(others.received).toEqual([]);
  });

  it("is only for mechanics, and a customer sees only their own requests", async () => {
    const { requestId } = await as(customer).requests.submit.mutate(intake);
    expect(await errorOf(as(customer).requests.board.query({}))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only mechanics can do this.",
    });
    expect(await errorOf(as(otherCustomer).requests.get.query({ requestId }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await as(otherCustomer).requests.mine.query()).requests.map((r) => r.requestId)).toEqual([]);
    expect((await as(customer).requests.mine.query()).requests.map((r) => r.requestId)).toEqual([requestId]);
  });
});

describe("mechanic profile", () => {
  it("gives the mean and count of the ratings customers gave this mechanic's sessions, nobody else's", async () => {
    const rated = await fixture.newMechanic("rated");
    expect(await as(rated).requests.mechanicProfile.query()).toMatchObject({ ratingAverage: null, ratingCount: 0 });
    const other = await fixture.newMechanic("rated-other");
    const rate = async (by: TestAccount, rating: number | null) => {
      const { requestId, sessionId } = await as(await fixture.newCustomer("rating")).requests.submit.mutate(intake);
      await as(by).requests.accept.mutate({ requestId });
      // As sessions.rate leaves a completed session (sessions/).
      await database.db.serviceSession.update({
        where: { id: sessionId },
        data: { status: "completed", endedAt: new Date(), rating, ratedAt: rating ? new Date() : null },
      });
    };
    await rate(rated, 5);
    await rate(rated, 4);
    await rate(rated, null); // completed, not rated (yet)
    await rate(other, 1);
    expect(await as(rated).requests.mechanicProfile.query()).toMatchObject({ ratingAverage: 4.5, ratingCount: 2 });
    const updated = await as(rated).requests.updateMechanicProfile.mutate({
      displayName: "Maya",
      specialties: ["brakes"],
      availability: "busy",
    });
    expect(updated).toMatchObject({ displayName: "Maya", ratingAverage: 4.5, ratingCount: 2 });
  });
});

describe("bad input", () => {
  const long = "x".repeat(10 * 1024);
  const cases: {
    name: string;
    call: () => Promise<unknown>;
    code: string;
    appCode: string;
    field?: string;
    message?: RegExp;
  }[] = [
    {
      name: "missing vehicle",
      call: () => as(customer).requests.submit.mutate({ ...intake, vehicle: undefined } as never),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "vehicle",
    },
    {
      name: "missing make",
      call: () => as(customer).requests.submit.mutate({ ...intake, vehicle: { ...intake.vehicle, make: "" } }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "vehicle.make",
    },
    {
      name: "year too old",
      call: () => as(customer).requests.submit.mutate({ ...intake, vehicle: { ...intake.vehicle, year: 1900 } }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "vehicle.year",
    },
    {
      name: "year in the future",
      call: () => as(customer).requests.submit.mutate({ ...intake, vehicle: { ...intake.vehicle, year: 2999 } }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "vehicle.year",
    },
    {
      name: "year not a whole number",
      call: () => as(customer).requests.submit.mutate({ ...intake, vehicle: { ...intake.vehicle, year: 2015.5 } }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "vehicle.year",
    },
    {
      name: "10 KB concern",
      call: () => as(customer).requests.submit.mutate({ ...intake, concern: long }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "concern",
    },
    {
      name: "concern too short",
      call: () => as(customer).requests.submit.mutate({ ...intake, concern: "noise" }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "concern",
    },
    {
      name: "unknown plan",
      call: () => as(customer).requests.submit.mutate({ ...intake, plan: "platinum" } as never),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "plan",
    },
    {
      name: "unknown urgency",
      call: () => as(customer).requests.submit.mutate({ ...intake, urgency: "yesterday" } as never),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "urgency",
    },
    {
      name: "unknown session type",
      call: () => as(customer).requests.submit.mutate({ ...intake, sessionType: "phone" } as never),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "sessionType",
    },
    {
      name: "extra field",
      call: () => as(customer).requests.submit.mutate({ ...intake, mechanicId: randomUUID() } as never),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
    },
    {
      name: "signed out intake",
      call: () => api(null).requests.submit.mutate(intake),
      code: "UNAUTHORIZED",
      appCode: "UNAUTHENTICATED",
    },
    {
      name: "customer accepting",
      call: () => as(customer).requests.accept.mutate({ requestId: randomUUID() }),
      code: "FORBIDDEN",
      appCode: "FORBIDDEN_ROLE",
    },
    {
      name: "accept with a malformed id",
      call: () => as(mechanic).requests.accept.mutate({ requestId: "not-a-uuid" }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "requestId",
    },
    {
      name: "accept a request that does not exist",
      call: () => as(mechanic).requests.accept.mutate({ requestId: randomUUID() }),
      code: "NOT_FOUND",
      appCode: "NOT_FOUND",
    },
    {
      name: "cancel a request that does not exist",
      call: () => as(customer).requests.cancel.mutate({ requestId: randomUUID() }),
      code: "NOT_FOUND",
      appCode: "NOT_FOUND",
    },
    {
      name: "board page size too large",
      call: () => as(mechanic).requests.board.query({ limit: 1000 }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "limit",
    },
    {
      name: "forged board cursor",
      call: () => as(mechanic).requests.board.query({ cursor: "eyJub3QiOiJhIGN1cnNvciJ9" }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      message: /page link is no longer valid/,
    },
    {
      name: "mechanic profile with too many specialties",
      call: () =>
        as(mechanic).requests.updateMechanicProfile.mutate({
          displayName: "M",
          specialties: Array.from({ length: 20 }, (_, i) => `s${i}`),
          availability: "available",
        }),
      code: "BAD_REQUEST",
      appCode: "VALIDATION_FAILED",
      field: "specialties",
    },
  ];

  it.each(cases)("$name → $code, plain message, nothing written", async ({ call, code, appCode, field, message }) => {
    const before = await rowCounts();
    const error = await errorOf(call());
    expect(error.code).toBe(code);
    expect(error.appCode).toBe(appCode);
    expect(error.message).not.toMatch(/prisma|sql|zod|stack|undefined|invalid_type/i);
    if (field) expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    if (message) expect(error.message).toMatch(message);
    expect(await rowCounts()).toEqual(before);
  });
});
