// Two real server processes on one database: a mutation through instance A reaches a
// WebSocket subscriber on instance B; when B is killed with SIGKILL, the client resumes on A
// from its last event id and loses nothing (checked against the outbox itself).
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ChildServer, startChildServer } from "./child-server.ts";
import { httpClient, wsClient } from "./clients.ts";

let database: TestDatabase;
const children: ChildServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL");
  await Promise.all(children.map((child) => child.exited));
  await database.drop();
});

async function startInstance(): Promise<{ child: ChildServer; url: string }> {
  const child = startChildServer({ DATABASE_URL: database.url, SEED_DEMO_DATA: "true", LOG_LEVEL: "warn" });
  children.push(child);
  return { child, url: await child.ready };
}

/** A mechanic's live board on one instance, collecting (event id, payload) pairs. */
function watchBoard(url: string, token: string, lastEventId: string) {
  const { socket, client } = wsClient(url, token, { retryDelayMs: () => 100 });
  const received: { id: string; kind: string; requestId: string }[] = [];
  let started = false;
  const subscription = client.requests.onBoard.subscribe(
    { lastEventId },
    {
      onStarted: () => {
        started = true;
      },
      onData: ({ id, data }) => {
        if (data.type !== "event") throw new Error(`unexpected ${data.type}`);
        const payload = data.payload;
        received.push({
          id,
          kind: payload.kind,
          requestId: payload.kind === "created" ? payload.card.requestId : payload.requestId,
        });
      },
    },
  );
  return {
    received,
    get started() {
      return started;
    },
    close() {
      subscription.unsubscribe();
      socket.close();
    },
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const intake = (model: string) => ({
  vehicle: { make: "Volvo", model, year: 2019 },
  concern: "Grinding noise from the front brakes when stopping.",
  urgency: "normal" as const,
  sessionType: "chat" as const,
  plan: "standard" as const,
});

async function newCustomer(url: string, n: number) {
  const { token } = await httpClient(url).auth.signUp.mutate({
    email: `multi-${n}-${Date.now()}@example.com`,
    password: "a-long-password",
    name: `Customer ${n}`,
  });
  return httpClient(url, token);
}

it("delivers across instances, and a client resumes on another instance after SIGKILL without losing events", async () => {
  const a = await startInstance();
  const b = await startInstance();
  const { token: mechanicToken } = await httpClient(a.url).auth.signIn.mutate({
    email: "mechanic@demo.switchboard.dev",
    password: "demo-mechanic-pass",
  });

  // The board query on B gives the position to subscribe from, then B pushes live.
  const { lastEventId: head } = await httpClient(b.url, mechanicToken).requests.board.query({});
  const onB = watchBoard(b.url, mechanicToken, head);
  await waitFor(() => onB.started, "the subscription on B to start");

  const first = await (await newCustomer(a.url, 1)).requests.submit.mutate(intake("V60"));
  await waitFor(() => onB.received.some((e) => e.requestId === first.requestId), "A's intake to reach B");

  // B dies without a goodbye; meanwhile A keeps committing (a new customer's intake, and a
  // second intake from that customer, which replaces their older request).
  b.child.process.kill("SIGKILL");
  await b.child.exited;
  onB.close();
  const lastSeen = onB.received.at(-1)!.id;
  const customer2 = await newCustomer(a.url, 2);
  const second = await customer2.requests.submit.mutate(intake("XC40"));
  const third = await customer2.requests.submit.mutate({ ...intake("XC90"), replacePending: true });

  const onA = watchBoard(a.url, mechanicToken, lastSeen);
  const missed = await database.db.$queryRaw<{ id: string }[]>`
    SELECT tx_id::text || '.' || id::text AS id FROM event_outbox e
     WHERE e.topic = 'requests.board' AND (e.tx_id, e.id) > (${BigInt(lastSeen.split(".")[0]!)}, ${BigInt(lastSeen.split(".")[1]!)})
     ORDER BY e.tx_id, e.id`;
  expect(missed.length).toBe(3);
  await waitFor(() => onA.received.length >= missed.length, "the missed events on A");
  const fourth = await (await newCustomer(a.url, 3)).requests.submit.mutate(intake("S90"));
  await waitFor(() => onA.received.some((e) => e.requestId === fourth.requestId), "a live event on A");
  onA.close();

  expect(onA.received.map((e) => e.id).slice(0, missed.length)).toEqual(missed.map((row) => row.id));
  expect(onA.received.map((e) => [e.kind, e.requestId])).toEqual([
    ["created", second.requestId],
    ["cancelled", second.requestId],
    ["created", third.requestId],
    ["created", fourth.requestId],
  ]);
  expect(new Set(onA.received.map((e) => e.id)).size).toBe(onA.received.length);
}, 90_000);

/** Rows in every table of the schema, so a row written anywhere shows. */
async function rowsInEveryTable(): Promise<number> {
  const tables = await database.db.$queryRaw<{ name: string }[]>`
    SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`;
  const [row] = await database.db.$queryRawUnsafe<{ total: bigint }[]>(
    `SELECT (${tables.map((t) => `(SELECT count(*) FROM ${t.name})`).join(" + ")})::bigint AS total`,
  );
  return Number(row!.total);
}

it("carries a session's ephemeral signals across instances: typing sent through A reaches the other participant on B, no row written", async () => {
  const a = await startInstance();
  const b = await startInstance();
  const { token: mechanicToken } = await httpClient(a.url).auth.signIn.mutate({
    email: "mechanic@demo.switchboard.dev",
    password: "demo-mechanic-pass",
  });
  const { token: customerToken } = await httpClient(a.url).auth.signUp.mutate({
    email: `multi-signals-${Date.now()}@example.com`,
    password: "a-long-password",
    name: "Signal Customer",
  });
  const customer = httpClient(a.url, customerToken);
  const { requestId, sessionId } = await customer.requests.submit.mutate({ ...intake("EX30"), replacePending: true });
  const mechanic = httpClient(a.url, mechanicToken);
  await mechanic.requests.accept.mutate({ requestId });
  await mechanic.sessions.join.mutate({ sessionId });

  // The mechanic follows the session's signals on B, the customer on A: the customer hearing
  // the mechanic come online (announced once B follows the session) means B is listening.
  const onB = wsClient(b.url, mechanicToken);
  const received: { from: string; kind: string }[] = [];
  const mechanicFeed = onB.client.sessions.onSignals.subscribe(
    { sessionId },
    { onData: ({ from, signal }) => received.push({ from, kind: signal.kind }) },
  );
  const onA = wsClient(a.url, customerToken);
  const heard: string[] = [];
  const customerFeed = onA.client.sessions.onSignals.subscribe(
    { sessionId },
    { onData: ({ from, signal }) => heard.push(`${from} ${signal.kind === "presence" ? signal.state : signal.kind}`) },
  );
  await waitFor(() => heard.includes("mechanic online"), "the mechanic's presence on B to reach the customer on A");
  await waitFor(() => received.some((s) => s.kind === "presence"), "the customer's presence on A to reach B");
  const rowsBefore = await rowsInEveryTable();
  for (let n = 0; n < 5; n++) await customer.sessions.signal.mutate({ sessionId, signal: { kind: "typing" } });
  await waitFor(() => received.filter((s) => s.kind === "typing").length === 5, "five typing signals on B");
  expect(received.filter((s) => s.kind === "typing")).toEqual(Array(5).fill({ from: "customer", kind: "typing" }));
  expect(heard.filter((s) => s.endsWith("typing"))).toEqual([]);
  expect(await rowsInEveryTable()).toBe(rowsBefore);
  mechanicFeed.unsubscribe();
  customerFeed.unsubscribe();
  onB.socket.close();
  onA.socket.close();
}, 90_000);
