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
