// Who is signed in, for every page inside the shell: read once by the signed-in layout
// (auth.me), so no page waits for it again or renders before it is known.
import type { RouterOutputs } from "@switchboard/api";
import { createContext, useContext } from "react";

export type Me = RouterOutputs["auth"]["me"];

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe must be used inside the signed-in layout");
  return me;
}

/** The board is for mechanics (the API allows it only to them); everyone else asks for one. */
export function requestsViewerOf(me: Me): "mechanic" | "customer" {
  return me.user.role === "mechanic" && me.mechanicId ? "mechanic" : "customer";
}
