// /requests: the customer's "ask for a mechanic" page, or the mechanic's live board (whose
// filters are the address's search: ?urgency=…&sessionType=…).
import { createRoute, lazyRouteComponent } from "@tanstack/react-router";
import { signedInRoute } from "../shell/signed-in.route.tsx";
import { validateBoardSearch } from "./board-search.ts";

export const requestsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/requests",
  validateSearch: validateBoardSearch,
  component: lazyRouteComponent(() => import("./route-pages.tsx"), "RequestsRoutePage"),
});
