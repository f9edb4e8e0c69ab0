// Demo data so a fresh `pnpm start` is usable at once: one account per role, a demo
// organization with an agent, two mechanics, and a coaching user. Idempotent: it runs
// once per database (keyed on the demo organization's slug) and never touches other rows.
// Safe when several instances start together: the seed holds a transaction-scoped advisory
// lock and checks for the demo organization again under it, so exactly one instance creates
// the data and the others see it (before, two starts raced to users_email_key).
import type { Database } from "./client.ts";
import { hashPassword } from "./password.ts";

export const DEMO_ORGANIZATION_SLUG = "demo-motors";

/** Known demo credentials, printed at start and used by the e2e tests. Local demo data only. */
export const DEMO_ACCOUNTS = {
  customer: {
    role: "customer",
    email: "customer@demo.switchboard.dev",
    password: "demo-customer-pass",
    name: "Casey Customer",
  },
  mechanic: {
    role: "mechanic",
    email: "mechanic@demo.switchboard.dev",
    password: "demo-mechanic-pass",
    name: "Maya Torres",
  },
  secondMechanic: {
    role: "mechanic",
    email: "mechanic2@demo.switchboard.dev",
    password: "demo-mechanic-pass",
    name: "Sam Okafor",
  },
  owner: {
    role: "organization owner",
    email: "owner@demo.switchboard.dev",
    password: "demo-owner-pass",
    name: "Olivia Owner",
  },
  coaching: {
    role: "coaching",
    email: "coach@demo.switchboard.dev",
    password: "demo-coach-pass",
    name: "Jordan Founder",
  },
  admin: { role: "admin", email: "admin@demo.switchboard.dev", password: "demo-admin-pass", name: "Ada Admin" },
} as const;

export interface SeedResult {
  seeded: boolean;
}

/** Held for the seed's transaction; released by its COMMIT or ROLLBACK, never left behind. */
const SEED_LOCK = "switchboard:demo-seed";

export async function seedDemoData(db: Database): Promise<SeedResult> {
  // Fast path without the lock: every start after the first ends here.
  const existing = await db.organization.findUnique({ where: { slug: DEMO_ORGANIZATION_SLUG } });
  if (existing) return { seeded: false };

  const hashes = Object.fromEntries(
    await Promise.all(
      Object.entries(DEMO_ACCOUNTS).map(async ([key, account]) => [key, await hashPassword(account.password)] as const),
    ),
  ) as Record<keyof typeof DEMO_ACCOUNTS, string>;

  return db.$transaction(
    async (tx) => {
      // Waiting here for another instance's seed is expected, so it is not held to the
      // client's lock_timeout (meant for rows and tables); Prisma's timeout below still bounds it.
      await tx.$executeRawUnsafe("SET LOCAL lock_timeout = '30s'");
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${SEED_LOCK}))`;
      // Another instance may have seeded while this one waited for the lock.
      if (await tx.organization.findUnique({ where: { slug: DEMO_ORGANIZATION_SLUG } })) return { seeded: false };
      const user = (key: keyof typeof DEMO_ACCOUNTS, role: "customer" | "mechanic" | "admin") =>
        tx.user.upsert({
          where: { email: DEMO_ACCOUNTS[key].email },
          update: {},
          create: { email: DEMO_ACCOUNTS[key].email, name: DEMO_ACCOUNTS[key].name, passwordHash: hashes[key], role },
        });

      await user("customer", "customer");
      await user("admin", "admin");
      for (const [key, specialties] of [
        ["mechanic", ["engine", "diagnostics", "electrical"]],
        ["secondMechanic", ["brakes", "suspension", "hybrid"]],
      ] as const) {
        const mechanic = await user(key, "mechanic");
        await tx.mechanic.upsert({
          where: { userId: mechanic.id },
          update: {},
          create: { userId: mechanic.id, displayName: DEMO_ACCOUNTS[key].name, specialties: [...specialties] },
        });
      }

      const owner = await user("owner", "customer");
      const organization = await tx.organization.create({
        data: {
          name: "Demo Motors",
          slug: DEMO_ORGANIZATION_SLUG,
          industry: "Automotive repair",
          website: "https://demo-motors.example",
          plan: "growth",
          memberships: { create: { userId: owner.id, role: "owner" } },
        },
      });
      const agent = await tx.agent.create({
        data: {
          organizationId: organization.id,
          name: "Front desk",
          description: "Answers visitors on demo-motors.example",
        },
      });
      const version = await tx.agentVersion.create({
        data: {
          agentId: agent.id,
          version: 1,
          status: "published",
          publishedAt: new Date(),
          model: "gpt-4o-mini",
          systemPrompt: "You are the friendly front desk of Demo Motors, a car repair shop. Keep answers short.",
          allowedDomains: ["demo-motors.example", "localhost"],
          createdById: owner.id,
        },
      });
      await tx.agent.update({ where: { id: agent.id }, data: { publishedVersionId: version.id } });

      const coach = await user("coaching", "customer");
      await tx.profile.create({
        data: { userId: coach.id, displayName: "Jordan", timezone: "Europe/Berlin", onboardingCompleted: true },
      });
      await tx.businessProfile.create({
        data: {
          userId: coach.id,
          companyName: "Jordan & Co",
          role: "Founder",
          industry: "Software",
          teamSize: 6,
          challenges: "Hiring the first sales lead",
        },
      });
      await tx.goal.create({
        data: { userId: coach.id, title: "Hire a first sales lead", category: "business", progress: 20 },
      });
      return { seeded: true };
    },
    // Waiting for another instance's seed is part of this transaction; Prisma's 2 s / 5 s
    // defaults are too short for several instances starting on a busy machine.
    { maxWait: 20_000, timeout: 30_000 },
  );
}

export function formatDemoAccounts(): string {
  return Object.values(DEMO_ACCOUNTS)
    .map((a) => `  ${a.name.padEnd(16)} ${a.email.padEnd(32)} ${a.password}`)
    .join("\n");
}

/**
 * The README's demo accounts table, made from DEMO_ACCOUNTS so the two cannot drift apart
 * (a test compares them; `pnpm db:readme` rewrites the README's table). Columns are padded
 * the way the formatter lays out Markdown tables.
 */
export function formatDemoAccountsMarkdown(): string {
  const rows = [
    ["role", "email", "password"],
    ...Object.values(DEMO_ACCOUNTS).map((a): string[] => [a.role, a.email, a.password]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const [header, ...body] = rows;
  return [line(header!), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

/** Where the generated table sits in README.md. */
const README_DEMO_ACCOUNTS_MARKERS = {
  start: "<!-- demo-accounts: generated from packages/db/src/seed.ts by `pnpm db:readme` -->",
  end: "<!-- /demo-accounts -->",
} as const;

/** README text with its demo accounts section replaced by the generated table. */
export function withDemoAccountsTable(readme: string): string {
  const { start, end } = README_DEMO_ACCOUNTS_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no demo accounts section (${start} … ${end})`);
  return `${readme.slice(0, from + start.length)}\n\n${formatDemoAccountsMarkdown()}\n\n${readme.slice(to)}`;
}
