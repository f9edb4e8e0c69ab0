// A mechanic's own profile, with their standing with customers: the ratings customers gave
// the sessions this mechanic completed for them.
import type { Database, Mechanic } from "@switchboard/db";

export async function mechanicProfileOf(
  db: Database,
  mechanic: Pick<Mechanic, "id" | "displayName" | "specialties" | "availability">,
) {
  const { _avg, _count } = await db.serviceSession.aggregate({
    where: { mechanicId: mechanic.id, rating: { not: null } },
    _avg: { rating: true },
    _count: { rating: true },
  });
  return {
    mechanicId: mechanic.id,
    displayName: mechanic.displayName,
    specialties: mechanic.specialties,
    availability: mechanic.availability,
    /** The mean of the ratings given (1 to 5); null before the first. */
    ratingAverage: _avg.rating,
    ratingCount: _count.rating,
  };
}
