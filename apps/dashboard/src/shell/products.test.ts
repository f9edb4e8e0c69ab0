import { describe, expect, it } from "vitest";
import { productsFor } from "./products.ts";

const member = { organizationId: "00000000-0000-4000-8000-000000000001", organizationName: "Demo Motors" };
const names = (
  memberships: { organizationId: string; organizationName: string; role: "owner" | "admin" | "member" }[],
) => productsFor({ memberships, mechanicId: null, user: { role: "customer" } }).map((product) => product.name);

describe("the products a signed-in person is offered", () => {
  it("leaves Agents out for someone in no organization (its procedures are all orgProcedure)", () => {
    expect(names([])).toEqual(["Requests", "Sessions", "Onboarding", "Coaching"]);
  });

  it.each(["owner", "admin", "member"] as const)("offers all five, in order, to an organization's %s", (role) => {
    expect(names([{ ...member, role }])).toEqual(["Requests", "Sessions", "Onboarding", "Agents", "Coaching"]);
  });

  it("offers Profile to a mechanic only (requests.mechanicProfile is mechanicProcedure)", () => {
    const mechanic = {
      memberships: [],
      mechanicId: "00000000-0000-4000-8000-000000000002",
      user: { role: "mechanic" as const },
    };
    expect(productsFor(mechanic).map((product) => product.name)).toEqual([
      "Requests",
      "Sessions",
      "Profile",
      "Onboarding",
      "Coaching",
    ]);
  });
});
