// Onboarding across real server processes: a server killed (SIGKILL) in the middle of a stage
// is restarted and the pipeline completes exactly once; Stripe's webhook marks a session paid
// before the customer returns, is idempotent on replays, and refuses bad signatures.
import { createTestDatabase, type StripeFake, startStripeFake, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ChildServer, startChildServer } from "./child-server.ts";
import { httpClient } from "./clients.ts";

const webhookSecret = "whsec_recovery_test";
let database: TestDatabase;
let stripe: StripeFake;
const children: ChildServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  stripe = await startStripeFake();
});
afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL");
  await Promise.all(children.map((child) => child.exited));
  await stripe.close();
  await database.drop();
});

async function startInstance() {
  const child = startChildServer({
    DATABASE_URL: database.url,
    LOG_LEVEL: "warn",
    STRIPE_SECRET_KEY: "sk_test_recovery",
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    ONBOARDING_LEASE_SECONDS: "2",
    ONBOARDING_POLL_MS: "200",
    ONBOARDING_RETRY_BASE_MS: "20",
  });
  children.push(child);
  return { child, url: await child.ready };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const business = {
  businessName: "Crash Test Bakery",
  industry: "Food",
  email: "owner@bakery.test",
  phone: "+44 20 7946 0000",
  website: "https://bakery.test",
  plan: "starter" as const,
};

it("completes a pipeline exactly once after its server is killed mid-stage", async () => {
  const first = await startInstance();
  const { token } = await httpClient(first.url).auth.signUp.mutate({
    email: "crash-owner@example.com",
    password: "a-long-password",
    name: "Crash Owner",
  });
  const { sessionId } = await httpClient(first.url, token).onboarding.start.mutate(business);
  const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === sessionId)!;
  stripe.pay(checkout.id);

  // Stripe stops answering: the server is now inside "verify payment" when it dies.
  const release = stripe.hold();
  await httpClient(first.url, token).onboarding.complete.mutate({ sessionId });
  await waitFor(
    async () => stripe.held,
    (held) => held > 0,
    "the pipeline to call Stripe",
  );
  const running = await database.db.onboardingStep.findUniqueOrThrow({
    where: { sessionId_name: { sessionId, name: "verify_payment" } },
  });
  expect(running.status).toBe("running");
  first.child.process.kill("SIGKILL");
  await first.child.exited;
  release();

  const second = await startInstance();
  const session = await waitFor(
    () => database.db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } }),
    (s) => s.status === "completed" || s.status === "failed",
    "the pipeline to finish after the restart",
  );
  expect(session.status).toBe("completed");
  const steps = await database.db.onboardingStep.findMany({ where: { sessionId }, orderBy: { position: "asc" } });
  expect(steps.map((s) => [s.name, s.status])).toEqual([
    ["verify_payment", "completed"],
    ["create_organization", "completed"],
    ["setup_workspace", "completed"],
    ["generate_api_key", "completed"],
    ["research", "skipped"],
    ["finalize", "completed"],
  ]);
  // The interrupted stage ran again; on a loaded machine a lease can lapse and a stage be
  // re-run once more — which is why every stage's effect is idempotent, as checked below.
  expect(steps[0]!.attempts).toBeGreaterThanOrEqual(2);
  expect(await database.db.organization.count({ where: { onboardingSessionId: sessionId } })).toBe(1);
  expect(await database.db.apiKey.count({ where: { onboardingSessionId: sessionId } })).toBe(1);
  const progress = await httpClient(second.url, token).onboarding.get.query({ sessionId });
  expect(progress.status).toBe("completed");
  second.child.process.kill("SIGTERM");
  expect(await second.child.exited, `the server's output:\n${second.child.output()}`).toBe(0);
}, 90_000);

it("takes payment from the webhook first, ignores replays and refuses bad signatures", async () => {
  const { child, url } = await startInstance();
  const { token } = await httpClient(url).auth.signUp.mutate({
    email: "webhook-owner@example.com",
    password: "a-long-password",
    name: "Webhook Owner",
  });
  const { sessionId } = await httpClient(url, token).onboarding.start.mutate(business);
  const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === sessionId)!;
  stripe.pay(checkout.id);
  const delivery = stripe.completedEvent(checkout.id, webhookSecret);
  const post = (payload: string, signature: string) =>
    fetch(`${url}/webhooks/stripe`, {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": signature, "content-type": "application/json" },
    });

  const forged = await post(delivery.payload, stripe.completedEvent(checkout.id, "whsec_someone_else").signature);
  expect(forged.status).toBe(400);
  expect((await database.db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } })).paymentStatus).toBe(
    "unpaid",
  );

  expect(await (await post(delivery.payload, delivery.signature)).json()).toEqual({ received: true, duplicate: false });
  expect(await (await post(delivery.payload, delivery.signature)).json()).toEqual({ received: true, duplicate: true });
  expect((await database.db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } })).paymentStatus).toBe(
    "paid",
  );
  expect(await database.db.stripeWebhookEvent.count({ where: { id: delivery.id } })).toBe(1);

  // Paid by webhook: verifying payment does not need to ask Stripe again.
  const retrievesBefore = stripe.requests.filter((r) => r.method === "GET").length;
  await httpClient(url, token).onboarding.complete.mutate({ sessionId });
  await waitFor(
    () => database.db.onboardingSession.findUniqueOrThrow({ where: { id: sessionId } }),
    (s) => s.status === "completed",
    "the pipeline to complete",
  );
  expect(stripe.requests.filter((r) => r.method === "GET").length).toBe(retrievesBefore);
  const verify = await database.db.onboardingStep.findUniqueOrThrow({
    where: { sessionId_name: { sessionId, name: "verify_payment" } },
  });
  expect(verify.result).toEqual({ verifiedBy: "webhook" });
  child.process.kill("SIGTERM");
  expect(await child.exited, `the server's output:\n${child.output()}`).toBe(0);
}, 60_000);
