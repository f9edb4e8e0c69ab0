// A person's calendar, in one place for every coaching feature that speaks of "today" or "a
// day" (summaries, action item due dates, usage per day): their profile's time zone as
// PostgreSQL names it, or UTC without a profile or for a zone PostgreSQL does not know (the
// profile form checks zones against the browser's list, which can differ). Days are computed
// by PostgreSQL, so a query's day boundaries and "today" always follow the same rules.
import { type Database, Prisma, type Transaction } from "@switchboard/db";

type Reader = Database | Transaction;

/**
 * PostgreSQL's zone names, read once per database client: pg_timezone_names reads the zone
 * files on every query (20–30 ms), and they do not change while a server runs.
 */
const knownZoneNames = new WeakMap<object, Promise<Set<string>>>();

function zoneNames(db: Reader): Promise<Set<string>> {
  let names = knownZoneNames.get(db);
  if (!names) {
    names = db.$queryRaw<{ name: string }[]>`SELECT name FROM pg_timezone_names`.then(
      (rows) => new Set(rows.map((row) => row.name)),
    );
    names.catch(() => knownZoneNames.delete(db));
    knownZoneNames.set(db, names);
  }
  return names;
}

/** The person's time zone, as PostgreSQL names it. */
export async function zoneOf(db: Reader, userId: string): Promise<string> {
  const [profile, names] = await Promise.all([
    db.profile.findUnique({ where: { userId }, select: { timezone: true } }),
    zoneNames(db),
  ]);
  return profile && names.has(profile.timezone) ? profile.timezone : "UTC";
}

/** The person's today, "YYYY-MM-DD". */
export async function todayOf(db: Reader, userId: string): Promise<string> {
  const zone = await zoneOf(db, userId);
  const [row] = await db.$queryRaw<{ today: string }[]>`SELECT (now() AT TIME ZONE ${zone})::date::text AS today`;
  return row!.today;
}

/** The instants a person's calendar day starts and ends. */
export async function dayBounds(db: Reader, userId: string, day: string): Promise<{ start: Date; end: Date }> {
  const zone = await zoneOf(db, userId);
  const [bounds] = await db.$queryRaw<{ start: Date; end: Date }[]>`
    SELECT (${day}::date::timestamp AT TIME ZONE ${zone}) AS start,
           ((${day}::date + 1)::timestamp AT TIME ZONE ${zone}) AS "end"`;
  return bounds!;
}

/**
 * For queries over everyone (the summary sweep): `user_id, name` of every profile whose zone
 * PostgreSQL knows; a LEFT JOIN with coalesce(name, 'UTC') gives the rest UTC.
 */
export const knownProfileZones = Prisma.sql`
  SELECT p.user_id, z.name FROM profiles p JOIN pg_timezone_names z ON z.name = p.timezone`;
