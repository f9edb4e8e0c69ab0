// A person's own profile (name, time zone) and business profile, one row each, keyed by the
// caller's user id: nobody can read or write anyone else's.
import type { Database } from "@switchboard/db";

export const findProfile = (db: Database, userId: string) => db.profile.findUnique({ where: { userId } });

export function saveProfile(
  db: Database,
  userId: string,
  fields: { displayName: string; timezone?: string | undefined; onboardingCompleted?: boolean | undefined },
) {
  return db.profile.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
}

export const findBusinessProfile = (db: Database, userId: string) =>
  db.businessProfile.findUnique({ where: { userId } });

export function saveBusinessProfile(
  db: Database,
  userId: string,
  fields: { companyName: string; role: string; industry: string; teamSize: number | null; challenges: string },
) {
  return db.businessProfile.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
}
