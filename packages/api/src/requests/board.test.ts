import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../test/accounts.ts";
import { errorOf, intake, requestsFixture } from "../../test/requests-fixture.ts";
import { releaseUnjoinedSessions } from "./join-timeout.ts";

const f = requestsFixture();
const { as } = f;

const urgencyRank = { emergency: 0, high: 1, normal: 2, low: 3 } as const;
type Urgency = keyof typeof urgencyRank;

interface Made {
  requestId: string;
  urgency: Urgency;
  sessionType: "chat" | "video";
  createdAt: Date;
}

/** One open request per customer, in a spread of urgencies and types; some share a created time. */
async function fillBoard(count: number): Promise<Made[]> {
  const urgencies: Urgency[] = ["low", "emergency", "normal", "high"];
  const made: Made[] = [];
  const base = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    const customer: TestAccount = await f.newCustomer(`board-${i}`);
    const urgency = urgencies[i % urgencies.length]!;
    const sessionType = i % 3 === 0 ? ("chat" as const) : ("video" as const);
    const { requestId } = await as(customer).requests.submit.mutate({ ...intake, urgency, sessionType });
    // Pairs share a created time, so the id decides between them.
    const createdAt = new Date(base + Math.floor(i / 2) * 1000);
    await f.database.db.sessionRequest.update({ where: { id: requestId }, data: { createdAt } });
    made.push({ requestId, urgency, sessionType, createdAt });
  }
  return made;
}

const boardOrder = (rows: Made[]) =>
  [...rows]
    .sort(
      (a, b) =>
        urgencyRank[a.urgency] - urgencyRank[b.urgency] ||
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0),
    )
    .map((r) => r.requestId);

async function allPages(input: { urgency?: Urgency[]; sessionType?: ("chat" | "video")[] }, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { requestId: string }[]; nextCursor: string | null } = await as(
      f.mechanic,
    ).requests.board.query({ ...input, cursor, limit });
    seen.push(...page.items.map((i) => i.requestId));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe("board order, filters and count", () => {
  it("lists most urgent first, then oldest, then by id, across pages, with filters and a matching count", async () => {
    const made = await fillBoard(18);
    expect(await allPages({}, 4)).toEqual(boardOrder(made));

    const urgent = { urgency: ["emergency", "high"] as Urgency[] };
    expect(await allPages(urgent, 3)).toEqual(boardOrder(made.filter((m) => urgent.urgency.includes(m.urgency))));

    const chat = { sessionType: ["chat" as const] };
    expect(await allPages(chat, 2)).toEqual(boardOrder(made.filter((m) => m.sessionType === "chat")));

    const both = { urgency: ["low" as const, "normal" as const], sessionType: ["video" as const] };
    const expected = made.filter((m) => (m.urgency === "low" || m.urgency === "normal") && m.sessionType === "video");
    expect(await allPages(both, 5)).toEqual(boardOrder(expected));

    expect(await as(f.mechanic).requests.boardCount.query({})).toMatchObject({ count: made.length });
    const counted = await as(f.mechanic).requests.boardCount.query(both);
    expect(counted.count).toBe(expected.length);
    expect(counted.lastEventId).toMatch(/^\d+\.\d+$/);
    expect((await as(f.mechanic).requests.boardCount.query({ urgency: [] })).count).toBe(0);
  });

  it("holds unattended requests in their place, and drops accepted and cancelled ones from list and count", async () => {
    const [first, second, third] = await fillBoard(3);
    await as(f.mechanic).requests.accept.mutate({ requestId: first!.requestId });
    const session = await f.database.db.serviceSession.findFirstOrThrow({
      where: { request: { id: first!.requestId } },
    });
    await releaseUnjoinedSessions(f.database.db, f.events, { now: new Date(session.joinBy!.getTime() + 1) });
    await as(f.mechanic).requests.accept.mutate({ requestId: second!.requestId });

    const page = await as(f.mechanic).requests.board.query({});
    expect(page.items.map((i) => [i.requestId, i.unattended])).toEqual(
      boardOrder([first!, third!]).map((id) => [id, id === first!.requestId]),
    );
    expect((await as(f.mechanic).requests.boardCount.query({})).count).toBe(2);
  });

  it("is for mechanics only, and refuses bad filters and forged cursors in plain words", async () => {
    expect(await errorOf(as(f.customer).requests.boardCount.query({}))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only mechanics can do this.",
    });
    expect(await errorOf(as(f.mechanic).requests.board.query({ urgency: ["someday"] } as never))).toMatchObject({
      appCode: "VALIDATION_FAILED",
    });
    expect(await errorOf(as(f.mechanic).requests.boardCount.query({ sessionType: ["phone"] } as never))).toMatchObject({
      appCode: "VALIDATION_FAILED",
    });
    expect(await errorOf(as(f.mechanic).requests.boardCount.query({ extra: 1 } as never))).toMatchObject({
      appCode: "VALIDATION_FAILED",
    });
    // A cursor from before the board sorted by urgency (no urgency in it) is no longer valid.
    const oldCursor = Buffer.from(
      JSON.stringify({ t: new Date().toISOString(), i: "00000000-0000-4000-8000-000000000000" }),
    ).toString("base64url");
    expect(await errorOf(as(f.mechanic).requests.board.query({ cursor: oldCursor }))).toMatchObject({
      appCode: "VALIDATION_FAILED",
      message: "This page link is no longer valid. Reload the board.",
    });
  });
});
