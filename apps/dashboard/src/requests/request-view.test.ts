import { describe, expect, it } from "vitest";
import { applyStatusChange, followsStatus, type RequestView, type StatusChange } from "./request-view.ts";

const requestId = "00000000-0000-4000-8000-000000000001";

function view(changes: Partial<RequestView> = {}): RequestView {
  return {
    requestId,
    viewerRole: "customer",
    customerName: "Casey",
    status: "pending",
    sessionId: "00000000-0000-4000-8000-000000000002",
    sessionStatus: "waiting",
    joinBy: null,
    createdAt: new Date("2026-01-01T09:00:00Z"),
    acceptedAt: null,
    unattendedAt: null,
    replacedByRequestId: null,
    mechanicName: null,
    vehicle: { make: "Honda", model: "Civic", year: 2016 },
    concern: "Brakes grind.",
    urgency: "normal",
    sessionType: "chat",
    plan: "basic",
    lastEventId: "1.0",
    ...changes,
  };
}

const change = (status: StatusChange["status"], mechanicName: string | null = null): StatusChange => ({
  requestId,
  status,
  mechanicName,
  at: "2026-01-01T09:05:00Z",
});

describe("a request's page as its status changes live", () => {
  it("takes an open request on to accepted, cancelled or expired", () => {
    const accepted = applyStatusChange(view(), change("accepted", "Maya Torres"));
    expect(accepted).toMatchObject({ status: "accepted", mechanicName: "Maya Torres" });
    expect(accepted?.acceptedAt?.toISOString()).toBe("2026-01-01T09:05:00.000Z");
    expect(applyStatusChange(view({ status: "unattended" }), change("accepted", "Sam"))?.status).toBe("accepted");
    expect(applyStatusChange(view(), change("expired"))?.status).toBe("expired");
  });

  it("puts an accepted request back on the board when its mechanic didn't join, without their name", () => {
    const back = applyStatusChange(view({ status: "accepted", mechanicName: "Maya Torres" }), change("unattended"));
    expect(back).toMatchObject({ status: "unattended", mechanicName: null });
    expect(back?.unattendedAt?.toISOString()).toBe("2026-01-01T09:05:00.000Z");
  });

  it("never moves back: a late or replayed event changes nothing", () => {
    const cancelled = view({ status: "cancelled" });
    expect(applyStatusChange(cancelled, change("accepted", "Maya"))).toBe(cancelled);
    const accepted = view({ status: "accepted" });
    expect(applyStatusChange(accepted, change("pending"))).toBe(accepted);
    const pending = view();
    expect(applyStatusChange(pending, change("pending"))).toBe(pending);
    expect(applyStatusChange(pending, { ...change("accepted"), requestId: "another" })).toBe(pending);
  });

  it("follows a request only while it can still change", () => {
    expect(["pending", "unattended", "accepted", "cancelled", "expired"].map((s) => followsStatus(s as never))).toEqual(
      [true, true, true, false, false],
    );
  });
});
