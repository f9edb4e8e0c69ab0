// /coaching/usage?days=7|30|90: AI calls, tokens and cost per day over the chosen period (30
// days unless the address says otherwise; any other value falls back to 30).
import { createRoute, lazyRouteComponent, type SearchSchemaInput } from "@tanstack/react-router";
import { oneOf } from "../routing/route-params.ts";
import { signedInRoute } from "../shell/signed-in.route.tsx";

const usagePeriods = [7, 30, 90] as const;
export type UsagePeriod = (typeof usagePeriods)[number];
const periodOf = oneOf<UsagePeriod>(usagePeriods, 30);

export const usageRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/coaching/usage",
  // Optional in a link (SearchSchemaInput marks the input type), always set once read.
  validateSearch: (search: { days?: UsagePeriod } & SearchSchemaInput): { days: UsagePeriod } => ({
    days: periodOf(search.days),
  }),
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "UsageRoutePage"),
});
