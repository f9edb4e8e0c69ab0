import { createDecipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createResearchClient, createStripeClient, type ResearchClient, SecretBox } from "@switchboard/integrations";
import { createTestDatabase, type StripeFake, startStripeFake, type TestDatabase } from "@switchboard/testing";
import type { TRPCClientError } from "@trpc/client";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../../test/accounts.ts";
import { createTestApi } from "../../test/api-client.ts";
import { watchTopic } from "../../test/live-events.ts";
import { runTask } from "../../test/run-task.ts";
import { silentLog } from "../../test/services.ts";
import { type AppEventBus, createAppEventBus } from "../live-events.ts";
import { appRouter } from "../root.ts";
import type { OnboardingRuntime } from "../services.ts";
import { openForReveal } from "./api-key.ts";
import { ONBOARDING_TASKS, onboardingTaskList } from "./jobs.ts";
import { OnboardingPipeline, type PipelineDeps } from "./pipeline.ts";
import { OnboardingRunner } from "./runner.ts";

let database: TestDatabase;
let events: AppEventBus;
let stripe: StripeFake;
let research: { server: Server; url: string; tasks: string[]; fail: boolean };
const runners: OnboardingRunner[] = [];
/** The server's key: in the process (from SECRETS_KEY or the data directory's key file), never in the database. */
const serverSecrets = new SecretBox(randomBytes(32));

beforeAll(async () => {
  database = await createTestDatabase();
  events = createAppEventBus({ databaseUrl: database.url, pollMs: 200 });
  await events.start();
  stripe = await startStripeFake();
  const tasks: string[] = [];
  const server = createServer((req, res) => {
    if (research.fail) {
      res.writeHead(503).end();
      return;
    }
    const key = String(req.headers["idempotency-key"]);
    tasks.push(key);
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `task_${key.slice(0, 8)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  research = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tasks, fail: false };
});
afterEach(async () => {
  while (runners.length) await runners.pop()!.stop();
  research.fail = false;
});
afterAll(async () => {
  await events.stop();
  await stripe.close();
  research.server.close();
  await database.drop();
});

function pipelineDeps(
  options: { instanceId?: string; withResearch?: boolean; withStripe?: boolean; withSecrets?: boolean } = {},
) {
  const researchClient: ResearchClient | null = options.withResearch
    ? createResearchClient({ baseUrl: research.url, timeoutMs: 2000 })
    : null;
  return {
    db: database.db,
    events,
    log: pino({ level: "silent" }),
    stripe:
      options.withStripe === false ? null : createStripeClient({ secretKey: "sk_test_fake", apiBase: stripe.url }),
    research: researchClient,
    secrets: options.withSecrets === false ? null : serverSecrets,
    instanceId: options.instanceId ?? `test-${randomUUID().slice(0, 8)}`,
    leaseMs: 2000,
    retry: { attempts: 3, baseMs: 5, maxMs: 20 },
  } satisfies PipelineDeps;
}

function setup(options: Parameters<typeof pipelineDeps>[0] = {}) {
  const deps = pipelineDeps(options);
  const runner = new OnboardingRunner(deps, { pollMs: 100, concurrency: 4, reconcileEveryMs: 60_000 });
  runners.push(runner);
  const runtime: OnboardingRuntime = {
    stripe: deps.stripe,
    publicUrl: "http://app.test",
    kick: (id) => runner.kick(id),
  };
  const api = createTestApi({
    router: appRouter,
    db: database.db,
    events,
    onboarding: runtime,
    ai: { openai: null, sessionIdleMs: 60_000, secrets: deps.secrets },
  });
  return { deps, runner, as: (account: TestAccount) => api({ token: account.token }), anonymous: () => api() };
}

const business = {
  businessName: "Acme Plumbing",
  industry: "Home services",
  email: "owner@acme.test",
  phone: "+1 555 010 2000",
  website: "https://acme.test",
  plan: "growth" as const,
};

let accounts = 0;
const newOwner = () => createTestAccount(database.db, { email: `owner-${++accounts}-${randomUUID()}@example.com` });

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as TRPCClientError<typeof appRouter>;
    return { code: e.data?.code, appCode: (e.data as { appCode?: string } | undefined)?.appCode, message: e.message };
  }
  throw new Error("expected the call to fail");
}

async function settled(runner: OnboardingRunner, sessionId: string) {
  const started = Date.now();
  for (;;) {
    await runner.idle();
    const session = await database.db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });
    if (session.status === "completed" || session.status === "failed") return session;
    if (Date.now() - started > 20_000) throw new Error(`session still ${session.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const stepsOf = (sessionId: string) =>
  database.db.onboardingStep.findMany({ where: { sessionId }, orderBy: { position: "asc" } });

describe("onboarding plans", () => {
  it("lists every plan with its price for anyone, and Stripe charges the listed price", async () => {
    const { as, anonymous } = setup();
    const plans = await anonymous().onboarding.plans.query();
    const includes = [
      "An organization with you as its owner",
      "A website assistant agent, ready to configure",
      "An API key for server-to-server calls",
    ];
    expect(plans).toEqual([
      { plan: "starter", name: "Starter", priceCents: 4900, currency: "usd", interval: "one_time", includes },
      { plan: "growth", name: "Growth", priceCents: 14900, currency: "usd", interval: "one_time", includes },
      { plan: "enterprise", name: "Enterprise", priceCents: 49900, currency: "usd", interval: "one_time", includes },
    ]);

    for (const offer of plans) {
      const started = await as(await newOwner()).onboarding.start.mutate({ ...business, plan: offer.plan });
      const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === started.sessionId)!;
      expect({ amount: checkout.amount_total, currency: checkout.currency }).toEqual({
        amount: offer.priceCents,
        currency: offer.currency,
      });
    }
  });
});

describe("onboarding pipeline", () => {
  it("takes a paid business through every stage once, live, and reveals its API key once", async () => {
    const { runner, as } = setup({ withResearch: true });
    const owner = await newOwner();
    const started = await as(owner).onboarding.start.mutate(business);
    expect(started.paymentMode).toBe("stripe");
    expect(started.checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/cs_test_/);
    const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === started.sessionId)!;
    expect(checkout.success_url).toBe(`http://app.test/onboarding/${started.sessionId}?paid=1`);

    const { lastEventId } = await as(owner).onboarding.get.query({ sessionId: started.sessionId });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const [, message] of events.subscribe("onboarding.progress", started.sessionId, {
        lastEventId,
        signal: controller.signal,
      })) {
        if (message.type !== "event") continue;
        const { status, steps } = message.payload;
        seen.push(`${status}:${steps.map((s) => s.status[0]).join("")}`);
        if (status === "completed") break;
      }
    })();

    stripe.pay(checkout.id);
    await as(owner).onboarding.complete.mutate({ sessionId: started.sessionId });
    const session = await settled(runner, started.sessionId);
    await watching;
    expect(session.status).toBe("completed");
    expect(session.paymentStatus).toBe("paid");
    const steps = await stepsOf(started.sessionId);
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["verify_payment", "completed", 1],
      ["create_organization", "completed", 1],
      ["setup_workspace", "completed", 1],
      ["generate_api_key", "completed", 1],
      ["research", "completed", 1],
      ["finalize", "completed", 1],
    ]);
    for (const step of steps) expect(step.completedAt!.getTime()).toBeGreaterThanOrEqual(step.startedAt!.getTime());
    // Stages tick one by one: every step goes running → completed, in order, then the session completes.
    expect(seen.at(-1)).toBe("completed:cccccc");
    expect(seen).toContain("in_progress:rppppp");
    expect(seen).toContain("in_progress:ccccrp");

    const organization = await database.db.organization.findUniqueOrThrow({
      where: { onboardingSessionId: started.sessionId },
      include: { memberships: true, agents: { include: { publishedVersion: true } }, apiKeys: true },
    });
    expect(organization).toMatchObject({ name: "Acme Plumbing", plan: "growth", website: "https://acme.test" });
    expect(organization.memberships).toEqual([expect.objectContaining({ userId: owner.id, role: "owner" })]);
    expect(organization.agents).toHaveLength(1);
    expect(organization.agents[0]!.publishedVersion).toMatchObject({
      status: "published",
      allowedDomains: ["acme.test"],
    });
    expect(organization.apiKeys).toHaveLength(1);
    expect(research.tasks).toEqual([started.sessionId]);

    const revealed = await as(owner).onboarding.revealApiKey.mutate({ sessionId: started.sessionId });
    expect(revealed.secret).toMatch(/^sb_live_/);
    const key = await database.db.apiKey.findFirstOrThrow({ where: { organizationId: organization.id } });
    expect(key.keyHash).toBe(createHash("sha256").update(revealed.secret).digest("hex"));
    expect(revealed.fingerprint).toBe(key.fingerprint);
    expect(key.revealCiphertext).toBeNull();
    const stored = JSON.stringify(
      await database.db.onboardingStep.findMany({ where: { sessionId: started.sessionId } }),
    );
    expect(stored).not.toContain(revealed.secret);
    expect(await errorOf(as(owner).onboarding.revealApiKey.mutate({ sessionId: started.sessionId }))).toMatchObject({
      appCode: "API_KEY_REVEAL_UNAVAILABLE",
      message: expect.stringContaining("already shown once"),
    });
    const progress = await as(owner).onboarding.get.query({ sessionId: started.sessionId });
    expect(progress.apiKey).toMatchObject({ fingerprint: key.fingerprint, revealed: true });
  });

  it("stops at an unpaid checkout with a plain message, and resumes from that step after paying", async () => {
    const { runner, as } = setup();
    const owner = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    await as(owner).onboarding.complete.mutate({ sessionId });
    const failed = await settled(runner, sessionId);
    expect(failed).toMatchObject({
      status: "failed",
      error: "We haven't received your payment yet.",
      errorAction: "Finish paying on the payment page, then press Retry.",
      errorCode: "payment_not_completed",
    });
    expect(failed.errorReference).toMatch(/^[0-9a-f]{8}$/);
    expect(await errorOf(as(owner).onboarding.complete.mutate({ sessionId }))).toMatchObject({
      appCode: "ONBOARDING_FAILED",
    });

    const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === sessionId)!;
    stripe.pay(checkout.id);
    await as(owner).onboarding.retry.mutate({ sessionId });
    const done = await settled(runner, sessionId);
    expect(done.status).toBe("completed");
    expect(done.error).toBeNull();
    const steps = await stepsOf(sessionId);
    expect(steps[0]).toMatchObject({ name: "verify_payment", status: "completed", attempts: 2 });
    expect(steps[4]).toMatchObject({
      name: "research",
      status: "skipped",
      skipReason: "Research isn't set up on this server.",
    });
  });

  it("retries a transient Stripe failure with backoff, and fails plainly when it persists", async () => {
    const { runner, as } = setup();
    const owner = await newOwner();
    const first = await as(owner).onboarding.start.mutate(business);
    stripe.pay([...stripe.sessions.values()].find((s) => s.client_reference_id === first.sessionId)!.id);
    // The SDK itself tries each call 3 times: 3 failed calls are our first attempt.
    stripe.failNext(3, 503);
    await as(owner).onboarding.complete.mutate({ sessionId: first.sessionId });
    expect((await settled(runner, first.sessionId)).status).toBe("completed");
    expect((await stepsOf(first.sessionId))[0]).toMatchObject({ status: "completed", attempts: 2 });

    const second = await as(owner).onboarding.start.mutate(business);
    stripe.pay([...stripe.sessions.values()].find((s) => s.client_reference_id === second.sessionId)!.id);
    stripe.failNext(9, 503);
    await as(owner).onboarding.complete.mutate({ sessionId: second.sessionId });
    const failed = await settled(runner, second.sessionId);
    expect(failed.status).toBe("failed");
    expect(failed.error).not.toMatch(/stripe|503|api_error/i);
    expect((await stepsOf(second.sessionId))[0]).toMatchObject({ status: "failed", attempts: 3 });
  }, 30_000);

  it("runs in explicit no-payment-provider mode without Stripe, never calling it paid", async () => {
    const { runner, as } = setup({ withStripe: false });
    const owner = await newOwner();
    const started = await as(owner).onboarding.start.mutate(business);
    expect(started).toMatchObject({ paymentMode: "no_payment_provider", checkoutUrl: null });
    await as(owner).onboarding.complete.mutate({ sessionId: started.sessionId });
    const done = await settled(runner, started.sessionId);
    expect(done).toMatchObject({ status: "completed", paymentStatus: "no_provider" });
  });

  it("tells the owner's list of onboardings, and nobody else's, as one starts and finishes", async () => {
    const { runner, as } = setup({ withStripe: false });
    const owner = await newOwner();
    const stranger = await newOwner();
    const mine = watchTopic(events, "onboarding.mine", owner.id);
    const others = watchTopic(events, "onboarding.mine", stranger.id);
    const { lastEventId } = await as(owner).onboarding.mine.query();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    await as(owner).onboarding.complete.mutate({ sessionId });
    await settled(runner, sessionId);
    await mine.until(2);
    expect(mine.received[0]).toEqual({ sessionId, status: "pending" });
    await expect.poll(() => mine.received.at(-1)).toEqual({ sessionId, status: "completed" });
    const { sessions, lastEventId: later } = await as(owner).onboarding.mine.query();
    expect(sessions.map((session) => session.id)).toEqual([sessionId]);
    expect(later).not.toBe(lastEventId);
    await mine.stop();
    await others.stop();
    expect(others.received).toEqual([]);
  });

  it("starts one run for two tabs; the second is told setup is already running", async () => {
    const { runner, as } = setup({ withStripe: false });
    const owner = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    const results = await Promise.allSettled([
      as(owner).onboarding.complete.mutate({ sessionId }),
      as(owner).onboarding.complete.mutate({ sessionId }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as Error).message).toBe("Setup is already running in another tab.");
    await settled(runner, sessionId);
    expect((await stepsOf(sessionId)).map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await database.db.organization.count({ where: { onboardingSessionId: sessionId } })).toBe(1);
  });

  it("lets exactly one of two racing runners run a session; the other observes", async () => {
    const { as } = setup({ withStripe: false });
    const owner = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    await database.db.onboardingSession.update({ where: { id: sessionId }, data: { status: "in_progress" } });
    const a = new OnboardingPipeline(pipelineDeps({ withStripe: false, instanceId: "instance-a" }));
    const b = new OnboardingPipeline(pipelineDeps({ withStripe: false, instanceId: "instance-b" }));
    const outcomes = await Promise.all([a.run(sessionId), b.run(sessionId)]);
    expect(outcomes.sort()).toEqual(["busy", "completed"]);
    expect((await stepsOf(sessionId)).map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await database.db.apiKey.count({ where: { onboardingSessionId: sessionId } })).toBe(1);
  });

  it("skips research when its service is down, and still completes", async () => {
    const { runner, as } = setup({ withStripe: false, withResearch: true });
    research.fail = true;
    const owner = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    await as(owner).onboarding.complete.mutate({ sessionId });
    expect((await settled(runner, sessionId)).status).toBe("completed");
    expect((await stepsOf(sessionId))[4]).toMatchObject({
      status: "skipped",
      skipReason: "Research was skipped: the research service answered 503. Everything else is set up.",
    });
  });

  it("keeps an effect whose recording failed as a pending sync, reuses it, and reconciles it", async () => {
    const { runner, as } = setup({ withStripe: false, withResearch: true });
    const admin = await createTestAccount(database.db, { email: `admin-${randomUUID()}@example.com`, role: "admin" });
    const owner = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    // The database refuses to record the research step's completion (once the task exists).
    await database.db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_research() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$;
      CREATE TRIGGER refuse_research BEFORE UPDATE ON onboarding_steps FOR EACH ROW
        WHEN (NEW.name = 'research' AND NEW.status = 'completed') EXECUTE FUNCTION refuse_research();`);
    const tasksBefore = research.tasks.length;
    try {
      await as(owner).onboarding.complete.mutate({ sessionId });
      expect((await settled(runner, sessionId)).status).toBe("failed");
    } finally {
      await database.db.$executeRawUnsafe(
        "DROP TRIGGER refuse_research ON onboarding_steps; DROP FUNCTION refuse_research();",
      );
    }
    const syncs = await as(admin).onboarding.pendingSyncs.query();
    const sync = syncs.find((s) => s.sessionId === sessionId);
    expect(sync).toMatchObject({ kind: "record_research_task", status: "pending" });
    expect(research.tasks.length).toBe(tasksBefore + 1);

    await as(owner).onboarding.retry.mutate({ sessionId });
    expect((await settled(runner, sessionId)).status).toBe("completed");
    expect(research.tasks.length).toBe(tasksBefore + 1); // the task was not started twice
    const researchStep = (await stepsOf(sessionId))[4]!;
    expect(researchStep.result).toEqual({ taskId: `task_${sessionId.slice(0, 8)}` });
    expect(await runner.reconcile()).toBeGreaterThanOrEqual(1);
    expect(await database.db.pendingSync.findUniqueOrThrow({ where: { id: sync!.id } })).toMatchObject({
      status: "succeeded",
    });
    expect(await errorOf(as(owner).onboarding.pendingSyncs.query())).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("onboarding without the owner coming back", () => {
  it("offers the payment page while unpaid, and starts a paid session its owner abandoned", async () => {
    const { deps, as } = setup();
    const runner = new OnboardingRunner(deps, { pollMs: 60_000, concurrency: 2, abandonedAfterMs: 1000 });
    runners.push(runner);
    const owner = await newOwner();
    const started = await as(owner).onboarding.start.mutate(business);
    const unpaid = await as(owner).onboarding.get.query({ sessionId: started.sessionId });
    expect(unpaid.checkoutUrl).toBe(started.checkoutUrl);

    // Paid (as the webhook records it), but the owner closed the tab and never came back.
    await database.db.onboardingSession.update({ where: { id: started.sessionId }, data: { paymentStatus: "paid" } });
    await runner.sweep();
    expect((await database.db.onboardingSession.findUniqueOrThrow({ where: { id: started.sessionId } })).status).toBe(
      "pending",
    );
    await database.db.$executeRaw`UPDATE onboarding_sessions SET updated_at = now() - interval '1 minute'
      WHERE id = ${started.sessionId}::uuid`;
    await runner.sweep();
    const done = await settled(runner, started.sessionId);
    expect(done.status).toBe("completed");
    expect((await as(owner).onboarding.get.query({ sessionId: started.sessionId })).checkoutUrl).toBeNull();
  });
});

describe("onboarding authorization and input", () => {
  it("shows a session only to its owner", async () => {
    const { as } = setup({ withStripe: false });
    const owner = await newOwner();
    const stranger = await newOwner();
    const { sessionId } = await as(owner).onboarding.start.mutate(business);
    for (const call of [
      () => as(stranger).onboarding.get.query({ sessionId }),
      () => as(stranger).onboarding.complete.mutate({ sessionId }),
      () => as(stranger).onboarding.retry.mutate({ sessionId }),
      () => as(stranger).onboarding.revealApiKey.mutate({ sessionId }),
    ]) {
      expect(await errorOf(call())).toMatchObject({ code: "NOT_FOUND", message: "We couldn't find that sign-up." });
    }
  });

  it.each([
    ["a missing business name", { businessName: "" }, "business name"],
    ["an invalid email", { email: "not-an-email" }, "email"],
    ["a phone number with letters", { phone: "call me maybe" }, "phone"],
    ["a website that is not http(s)", { website: "ftp://acme.test" }, "website"],
    ["an unknown plan", { plan: "platinum" }, "plan"],
  ])("refuses %s, naming the field, writing nothing", async (_name, change, field) => {
    const { as } = setup({ withStripe: false });
    const owner = await newOwner();
    const before = await database.db.onboardingSession.count();
    const error = await errorOf(
      as(owner).onboarding.start.mutate({ ...business, ...change } as unknown as typeof business),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_FAILED" });
    expect(error.message).toContain(field);
    expect(await database.db.onboardingSession.count()).toBe(before);
  });
});

/** Everything the database holds about a session's API key and its steps, as a dump would show it. */
async function databaseCopy(sessionId: string) {
  const keys = await database.db.$queryRaw<{ row: Record<string, unknown> }[]>`
    SELECT row_to_json(k) AS row FROM api_keys k WHERE onboarding_session_id = ${sessionId}::uuid`;
  const steps = await database.db.$queryRaw<{ row: Record<string, unknown> }[]>`
    SELECT row_to_json(s) AS row FROM onboarding_steps s WHERE session_id = ${sessionId}::uuid`;
  const key = keys[0]!.row;
  const token = steps.map(({ row }) => (row.result as { revealToken?: string } | null)?.revealToken).find(Boolean);
  return { text: JSON.stringify([keys, steps]), key, token };
}

/** What one holding only a database copy can try: the token-derived AES key on every part of the ciphertext. */
function openWithDatabaseOnly(ciphertext: string, token: string): string {
  const parts = ciphertext.split(".");
  for (let start = 0; start + 3 <= parts.length; start++) {
    const [iv, tag, body] = parts.slice(start, start + 3).map((part) => Buffer.from(part, "base64url"));
    try {
      const key = createHash("sha256").update(`reveal:${token}`).digest();
      const decipher = createDecipheriv("aes-256-gcm", key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
    } catch {}
  }
  throw new Error("could not open the reveal ciphertext from the database alone");
}

describe("API key reveal material", () => {
  async function onboarded(options: { withSecrets?: boolean } = {}) {
    const context = setup({ withStripe: false, ...options });
    const owner = await newOwner();
    const { sessionId } = await context.as(owner).onboarding.start.mutate(business);
    await context.as(owner).onboarding.complete.mutate({ sessionId });
    expect(await settled(context.runner, sessionId)).toMatchObject({ status: "completed" });
    return { ...context, owner, sessionId };
  }

  it("cannot be opened from a copy of the database alone, only with the server's key", async () => {
    const { sessionId } = await onboarded();
    const copy = await databaseCopy(sessionId);
    const ciphertext = copy.key.reveal_ciphertext as string;
    expect(ciphertext).toEqual(expect.any(String));
    expect(copy.token).toEqual(expect.any(String));
    expect(copy.text).not.toMatch(/sb_live_[A-Za-z0-9_-]{20,}/);
    expect(() => openWithDatabaseOnly(ciphertext, copy.token!)).toThrow("from the database alone");
    // Another server's key, or this key on another row, opens nothing either.
    expect(() => openForReveal(ciphertext, copy.token!, new SecretBox(randomBytes(32)), String(copy.key.id))).toThrow();
    expect(() => openForReveal(ciphertext, copy.token!, serverSecrets, randomUUID())).toThrow();
    // With the server's key it is the real secret (its hash is the stored key hash).
    const secret = openForReveal(ciphertext, copy.token!, serverSecrets, String(copy.key.id));
    expect(createHash("sha256").update(secret).digest("hex")).toBe(copy.key.key_hash);
    expect(copy.text).not.toContain(secret);
  });

  it("is erased in the reveal's own transaction, and a second reveal says it is gone", async () => {
    const { sessionId, owner, as } = await onboarded();
    const revealed = await as(owner).onboarding.revealApiKey.mutate({ sessionId });
    const copy = await databaseCopy(sessionId);
    expect(copy.key).toMatchObject({ reveal_ciphertext: null, reveal_token_hash: null });
    expect(copy.key.revealed_at).not.toBeNull();
    expect(copy.token).toBeUndefined();
    expect(copy.text).not.toContain(revealed.secret);
    expect(await errorOf(as(owner).onboarding.revealApiKey.mutate({ sessionId }))).toMatchObject({
      appCode: "API_KEY_REVEAL_UNAVAILABLE",
      message: expect.stringContaining("already shown once"),
    });
  });

  it("is erased by its cron task once the 2-hour window has passed", async () => {
    const { sessionId, owner, as } = await onboarded();
    const other = await onboarded();
    await database.db.apiKey.update({
      where: { onboardingSessionId: sessionId },
      data: { revealExpiresAt: new Date(Date.now() - 1000) },
    });
    await runTask(onboardingTaskList({ db: database.db, log: silentLog }), ONBOARDING_TASKS.eraseExpiredReveals);
    const copy = await databaseCopy(sessionId);
    expect(copy.key).toMatchObject({ reveal_ciphertext: null, reveal_token_hash: null, revealed_at: null });
    expect(copy.token).toBeUndefined();
    // A key still inside its window keeps what it needs to be shown.
    const untouched = await databaseCopy(other.sessionId);
    expect(untouched.key.reveal_ciphertext).toEqual(expect.any(String));
    expect(untouched.token).toEqual(expect.any(String));
    expect(await errorOf(as(owner).onboarding.revealApiKey.mutate({ sessionId }))).toMatchObject({
      appCode: "API_KEY_REVEAL_UNAVAILABLE",
      message: expect.stringContaining("2 hours"),
    });
    expect((await other.as(other.owner).onboarding.revealApiKey.mutate({ sessionId: other.sessionId })).secret).toMatch(
      /^sb_live_/,
    );
  });

  it("is never kept when the server has no secrets key, and the reveal says why", async () => {
    const { sessionId, owner, as } = await onboarded({ withSecrets: false });
    const copy = await databaseCopy(sessionId);
    expect(copy.key).toMatchObject({ reveal_ciphertext: null, reveal_token_hash: null });
    expect(copy.token).toBeUndefined();
    expect(await errorOf(as(owner).onboarding.revealApiKey.mutate({ sessionId }))).toMatchObject({
      appCode: "API_KEY_REVEAL_UNAVAILABLE",
      message: expect.stringContaining("no secrets key"),
    });
  });
});
