// For tests: accounts of every kind, created straight in the database with a live session,
// so a test about (say) mechanics does not depend on a mechanic sign-up flow.
import type { Database, UserRole } from "@switchboard/db";
import { hashPassword } from "../src/auth/password.ts";
import { sessionExpiry } from "../src/auth/tokens.ts";
import { hashSecretToken, newSecretToken } from "../src/secret-tokens.ts";

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  token: string;
  sessionId: string;
}

export async function createTestAccount(
  db: Database,
  options: { email: string; role?: UserRole; mechanicProfile?: boolean; password?: string },
): Promise<TestAccount> {
  const password = options.password ?? "a-long-password";
  const user = await db.user.create({
    data: {
      email: options.email,
      name: options.email.split("@")[0] ?? "Test",
      role: options.role ?? "customer",
      passwordHash: await hashPassword(password),
      ...(options.mechanicProfile ? { mechanic: { create: { displayName: "Test Mechanic" } } } : {}),
    },
  });
  const token = newSecretToken();
  const session = await db.authSession.create({
    data: { userId: user.id, tokenHash: hashSecretToken(token), expiresAt: sessionExpiry() },
  });
  return { id: user.id, email: user.email, password, token, sessionId: session.id };
}

export async function createTestOrganization(db: Database, slug: string, members: { userId: string }[]) {
  return db.organization.create({
    data: { name: `Org ${slug}`, slug, memberships: { create: members.map(({ userId }) => ({ userId })) } },
  });
}

/**
 * Two organizations for the organization tests: A with an owner, an admin and a plain member,
 * B with only its owner (the outsider to A). `name` keeps each test file's emails and slugs its own.
 */
export async function createTwoOrganizations(db: Database, name: string) {
  const [owner, admin, member, outsider] = await Promise.all(
    ["owner", "admin", "member"]
      .map((role) => `${role}@${name}-a.example`)
      .concat(`owner@${name}-b.example`)
      .map((email) => createTestAccount(db, { email })),
  );
  const orgA = (await createTestOrganization(db, `${name}-a`, [])).id;
  await db.membership.createMany({
    data: [
      { organizationId: orgA, userId: owner!.id, role: "owner" },
      { organizationId: orgA, userId: admin!.id, role: "admin" },
      { organizationId: orgA, userId: member!.id, role: "member" },
    ],
  });
  const orgB = (await createTestOrganization(db, `${name}-b`, [])).id;
  await db.membership.create({ data: { organizationId: orgB, userId: outsider!.id, role: "owner" } });
  return { owner: owner!, admin: admin!, member: member!, outsider: outsider!, orgA, orgB };
}
