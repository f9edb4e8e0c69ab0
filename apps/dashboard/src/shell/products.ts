/** The four products, in navigation order. Each page fills in as its issue lands. */
/** Each product's own page: a route in the route tree, so a link to it is checked when typed. */
type ProductPath = "/requests" | "/onboarding" | "/agents" | "/coaching";

export interface Product {
  path: ProductPath;
  name: string;
  /** What the product will do, in one sentence for the person using it. */
  purpose: string;
}

export const products: readonly Product[] = [
  {
    path: "/requests",
    name: "Requests",
    purpose: "Customers ask for a mechanic, and mechanics accept requests from a live board.",
  },
  {
    path: "/onboarding",
    name: "Onboarding",
    purpose:
      "New businesses get set up step by step — payment, research and their first agent — and can watch it happen.",
  },
  {
    path: "/agents",
    name: "Agents",
    purpose: "Set up the AI agents that answer your visitors, and read their conversations.",
  },
  {
    path: "/coaching",
    name: "Coaching",
    purpose: "Daily and weekly coaching built from your business profile, your goals and what you've done.",
  },
];

/** Where a person lands after signing in. */
export const homePath = "/requests";
