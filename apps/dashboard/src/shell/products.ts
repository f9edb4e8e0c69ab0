// The products, in navigation order, and which of them the signed-in person can use.
import type { RouterOutputs } from "@switchboard/api";

/** Each product's own page: a route in the route tree, so a link to it is checked when typed. */
type ProductPath = "/requests" | "/sessions" | "/profile" | "/onboarding" | "/agents" | "/coaching";

export interface Product {
  path: ProductPath;
  name: string;
}

const products: readonly Product[] = [
  {
    path: "/requests",
    name: "Requests",
  },
  {
    path: "/sessions",
    name: "Sessions",
  },
  {
    path: "/profile",
    name: "Profile",
  },
  {
    path: "/onboarding",
    name: "Onboarding",
  },
  {
    path: "/agents",
    name: "Agents",
  },
  {
    path: "/coaching",
    name: "Coaching",
  },
];

/** Where a person lands after signing in. */
export const homePath = "/requests";

type Me = RouterOutputs["auth"]["me"];

/**
 * The products this person can use, in navigation order, decided by what the API lets them
 * call (the routers' procedure builders), so the navigation never offers a dead end:
 * - Requests: asking for a mechanic and following one's requests is `authedProcedure` (anyone
 *   signed in); the board is `mechanicProcedure`, and the page picks the view by role.
 * - Sessions: `sessions.mine` is `authedProcedure` — a customer's sessions with their mechanics,
 *   a mechanic's with their customers (the page picks the heading by role).
 * - Profile: `requests.mechanicProfile` is `mechanicProcedure` — mechanics only (the name
 *   customers see, and how they rated them).
 * - Onboarding: `authedProcedure` — anyone may set up a business.
 * - Agents: every procedure is `orgProcedure` — members of an organization only. Someone with
 *   none who opens /agents is offered the next step there (set up a business, or be invited).
 * - Coaching: `authedProcedure` — anyone signed in has their own coaching.
 */
export function productsFor(
  me: Pick<Me, "memberships" | "mechanicId"> & { user: Pick<Me["user"], "role"> },
): readonly Product[] {
  const isMechanic = me.user.role === "mechanic" && me.mechanicId !== null;
  return products.filter((product) => {
    if (product.path === "/agents") return me.memberships.length > 0;
    if (product.path === "/profile") return isMechanic;
    return true;
  });
}
