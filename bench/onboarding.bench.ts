// Onboarding under load: 100 businesses start and pay at once, split over two real server
// processes on one database, with Stripe played by the local wire fake. Every pipeline must
// complete exactly once (one organization, one API key each). Reports the total time, each
// stage's duration p50/p99 (as recorded in onboarding_steps), and how long a stage's completion
// takes to reach a WebSocket subscriber of onboarding.progress (the path the browser uses).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { STEP_ORDER } from "@switchboard/api";
import { createDatabase, migrate, startEmbeddedPostgres } from "@switchboard/db";
import { startStripeFake } from "@switchboard/testing";
import { startChildServer } from "../apps/server/test/child-server.ts";
import { httpClient, wsClient } from "../apps/server/test/clients.ts";
import { percentiles, runBenchmark } from "./measure.ts";

const BUSINESSES = 100;

/** `run` over every item, ten at a time, results in order. */
async function inBatches<T, R>(items: T[], run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += 10) {
    results.push(...(await Promise.all(items.slice(start, start + 10).map((item, i) => run(item, start + i)))));
  }
  return results;
}

export function run(): Promise<void> {
  return runBenchmark("onboarding", async (results) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-"));
    const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    const stripe = await startStripeFake();
    const children: ReturnType<typeof startChildServer>[] = [];
    const sockets: ReturnType<typeof wsClient>["socket"][] = [];
    try {
      await postgres.ensureDatabase("bench");
      const databaseUrl = postgres.url("bench");
      await migrate(databaseUrl);
      const env = {
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: "warn",
        STRIPE_SECRET_KEY: "sk_test_bench",
        STRIPE_API_BASE: stripe.url,
        ONBOARDING_POLL_MS: "500",
        // 100 owners sign up from one address; the default (10 an hour per network) would refuse 90.
        THROTTLE_LIMITS: JSON.stringify({ signUpClient: { points: 1000, seconds: 3600 } }),
      };
      for (let i = 0; i < 2; i++) children.push(startChildServer(env));
      const urls = await Promise.all(children.map((child) => child.ready));

      // 100 owners, each following their session over a WebSocket on "their" instance.
      // Set-up, not the figure: sign-ups (scrypt each) and starts go ten at a time, since 100 at
      // once on a busy 2-core machine ran past the pool's bounded wait and were told TRY_AGAIN.
      const owners = await inBatches(
        Array.from({ length: BUSINESSES }, (_, i) => i),
        async (i) => {
          const url = urls[i % 2]!;
          const { token } = await httpClient(url).auth.signUp.mutate({
            email: `bench-owner-${i}@example.com`,
            password: "a-long-password",
            name: `Owner ${i}`,
          });
          return { url, token, client: httpClient(url, token) };
        },
      );
      const sessions = await inBatches(owners, (owner, i) =>
        owner.client.onboarding.start.mutate({
          businessName: `Bench Business ${i}`,
          industry: "Retail",
          email: `bench-${i}@example.com`,
          phone: "+1 555 010 0000",
          website: `https://bench-${i}.example`,
          plan: "starter",
        }),
      );
      for (const session of sessions) {
        const checkout = [...stripe.sessions.values()].find((s) => s.client_reference_id === session.sessionId)!;
        stripe.pay(checkout.id);
      }

      const eventLatencyMs: number[] = [];
      const completed = new Set<string>();
      let allDone: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        allDone = resolve;
      });
      await Promise.all(
        owners.map(async (owner, i) => {
          const sessionId = sessions[i]!.sessionId;
          const { lastEventId } = await owner.client.onboarding.get.query({ sessionId });
          const { socket, client: live } = wsClient(owner.url, owner.token);
          sockets.push(socket);
          const seen = new Set<string>();
          await new Promise<void>((started) => {
            live.onboarding.progress.subscribe(
              { sessionId, lastEventId },
              {
                onStarted: () => started(),
                onData: ({ data }) => {
                  if (data.type !== "event") return;
                  const received = Date.now();
                  for (const step of data.payload.steps) {
                    if (!step.completedAt || seen.has(step.name)) continue;
                    seen.add(step.name);
                    eventLatencyMs.push(received - Date.parse(step.completedAt));
                  }
                  if (data.payload.status === "completed" && !completed.has(sessionId)) {
                    completed.add(sessionId);
                    if (completed.size === BUSINESSES) allDone();
                  }
                },
              },
            );
          });
        }),
      );

      const started = performance.now();
      await Promise.all(
        owners.map((owner, i) => owner.client.onboarding.complete.mutate({ sessionId: sessions[i]!.sessionId })),
      );
      const timeout = setTimeout(() => allDone(), 120_000);
      await done;
      clearTimeout(timeout);
      const totalMs = performance.now() - started;

      const db = createDatabase(databaseUrl);
      const steps = await db.onboardingStep.findMany({ where: { completedAt: { not: null } } });
      const perStage: Record<string, ReturnType<typeof percentiles>> = {};
      for (const name of STEP_ORDER) {
        perStage[name] = percentiles(
          steps
            .filter((s) => s.name === name && s.startedAt && s.completedAt)
            .map((s) => s.completedAt!.getTime() - s.startedAt!.getTime()),
        );
      }
      const statuses = await db.onboardingSession.groupBy({ by: ["status"], _count: true });
      const failedSessions = await db.onboardingSession.findMany({
        where: { status: "failed" },
        select: { errorCode: true, error: true, paymentStatus: true },
      });
      const organizations = await db.organization.count({ where: { onboardingSessionId: { not: null } } });
      const apiKeys = await db.apiKey.count({ where: { onboardingSessionId: { not: null } } });
      const attempts = await db.onboardingStep.aggregate({ _max: { attempts: true } });
      await db.$disconnect();

      results.merge({
        businesses: BUSINESSES,
        serverInstances: 2,
        completed: completed.size,
        sessionStatuses: Object.fromEntries(statuses.map((s) => [s.status, s._count])),
        failedSessions,
        organizations,
        apiKeys,
        maxAttemptsOfAnyStep: attempts._max.attempts,
        exactlyOnce: completed.size === BUSINESSES && organizations === BUSINESSES && apiKeys === BUSINESSES,
        totalMs: Math.round(totalMs),
        stageDurationMs: perStage,
        stageEventToSubscriberMs: percentiles(eventLatencyMs),
      });
    } finally {
      for (const socket of sockets) socket.close();
      for (const child of children) child.process.kill("SIGTERM");
      await Promise.all(children.map((child) => child.exited));
      await stripe.close();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}
