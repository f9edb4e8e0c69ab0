import { describe, expect, it } from "vitest";
import {
  bubblesOf,
  type ChatMessage,
  estimateCentsOf,
  formatCents,
  latestFromOther,
  mergeMessages,
  type OutgoingMessage,
} from "./chat-state.ts";

const at = new Date("2026-01-01T10:00:00Z");

function message(position: number, authorRole: "customer" | "mechanic", clientKey = `key-${position}`): ChatMessage {
  return { messageId: `m-${position}`, position, authorRole, body: `message ${position}`, clientKey, createdAt: at };
}

function outgoing(clientKey: string, state: OutgoingMessage["state"] = "sending"): OutgoingMessage {
  return { clientKey, body: `draft ${clientKey}`, state, problem: null, createdAt: at };
}

describe("a session's messages as the page holds them", () => {
  it("keeps each message once, in position order, whatever order and how often they arrive", () => {
    let held = mergeMessages([], [message(3, "customer"), message(1, "mechanic")]);
    held = mergeMessages(held, [message(2, "customer"), message(3, "customer")]);
    held = mergeMessages(held, [message(1, "mechanic")]);
    expect(held.map((m) => m.position)).toEqual([1, 2, 3]);
  });

  it("returns the same list when nothing was new, so nothing re-renders", () => {
    const held = mergeMessages([], [message(1, "customer")]);
    expect(mergeMessages(held, [message(1, "customer")])).toBe(held);
  });
});

describe("the bubbles of a conversation", () => {
  it("reads one's own messages sent, then read once the other side has read through them", () => {
    const messages = [message(1, "customer"), message(2, "mechanic"), message(3, "customer")];
    const bubbles = bubblesOf(messages, [], "customer", 1);
    expect(bubbles.map((b) => [b.mine, b.status])).toEqual([
      [true, "read"],
      [false, null],
      [true, "sent"],
    ]);
  });

  it("shows an outgoing message once: pending until a stored message of one's own carries its key", () => {
    const pending = [outgoing("abc"), outgoing("def", "waiting"), outgoing("ghi", "failed")];
    expect(bubblesOf([], pending, "customer", 0).map((b) => b.status)).toEqual(["pending", "waiting", "failed"]);
    const stored = [message(1, "customer", "abc")];
    const bubbles = bubblesOf(stored, pending, "customer", 0);
    expect(bubbles.map((b) => b.key)).toEqual(["m-1", "pending-def", "pending-ghi"]);
  });

  it("does not take the other side's message with the same key for one's own", () => {
    const bubbles = bubblesOf([message(1, "mechanic", "abc")], [outgoing("abc")], "customer", 0);
    expect(bubbles).toHaveLength(2);
  });

  it("knows the latest message from the other side", () => {
    expect(latestFromOther([message(1, "mechanic"), message(2, "customer")], "customer")).toBe(1);
    expect(latestFromOther([message(2, "customer")], "customer")).toBe(0);
  });
});

describe("an estimate typed in dollars", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["120", 12_000],
    ["120.5", 12_050],
    ["$1,250.00", 125_000],
    ["0", 0],
    ["1000000", 100_000_000],
  ])("reads %j as %j cents", (typed, cents) => {
    expect(estimateCentsOf(typed)).toEqual({ cents });
  });

  it.each(["abc", "12.345", "-5", "1e3", "1000000.01"])("refuses %j in words", (typed) => {
    expect(estimateCentsOf(typed)).toHaveProperty("problem");
  });

  it("reads cents back as dollars", () => {
    expect(formatCents(125_050)).toBe("$1,250.50");
  });
});
