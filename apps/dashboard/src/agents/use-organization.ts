// Which organization's agents are shown: the one named in the address if the person is in it,
// else the one picked last on this browser, else the first the person belongs to. Remembered so
// an agent's own page (and a reload) knows it too.
import type { RouterOutputs } from "@switchboard/api";
import { useCallback, useState } from "react";
import { trpc } from "../api/trpc.ts";

export type MyOrganization = RouterOutputs["organizations"]["mine"][number];

const storageKey = "switchboard:agents-organization";

function remembered(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function useOrganization(namedId?: string) {
  const mine = trpc.organizations.mine.useQuery();
  const [chosenId, setChosenId] = useState<string | null>(remembered);
  const organizations = mine.data ?? [];
  const organization =
    organizations.find((candidate) => candidate.id === namedId) ??
    organizations.find((candidate) => candidate.id === chosenId) ??
    organizations[0] ??
    null;
  const choose = useCallback((organizationId: string) => {
    setChosenId(organizationId);
    try {
      window.localStorage.setItem(storageKey, organizationId);
    } catch {
      // Storage off (private mode): the choice lasts for this page only.
    }
  }, []);
  return { query: mine, organizations, organization, choose };
}

/** Admins and owners edit and publish agents; members read them. */
export function canEdit(organization: MyOrganization): boolean {
  return organization.role === "owner" || organization.role === "admin";
}
