import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecretToken, newSecretToken } from "../secret-tokens.ts";
import { DEFAULT_SESSION_TTL_DAYS, sessionExpiry, tokenFromAuthorizationHeader } from "./tokens.ts";

describe("session tokens", () => {
  it("are 32 random bytes in base64url, different every time", () => {
    const tokens = Array.from({ length: 50 }, () => newSecretToken());
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("are stored as their SHA-256 in hex, never as themselves", () => {
    const token = newSecretToken();
    const hash = hashSecretToken(token);
    expect(hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecretToken(newSecretToken())).not.toBe(hash);
  });

  it("expire after 30 days by default, or the configured number of days", () => {
    const now = new Date("2025-03-01T12:00:00Z");
    expect(DEFAULT_SESSION_TTL_DAYS).toBe(30);
    expect(sessionExpiry(undefined, now).toISOString()).toBe("2025-03-31T12:00:00.000Z");
    expect(sessionExpiry(2, now).toISOString()).toBe("2025-03-03T12:00:00.000Z");
  });
});

describe("tokenFromAuthorizationHeader", () => {
  it.each([
    ["Bearer abc-DEF_123", "abc-DEF_123"],
    ["bearer abc", "abc"],
    ["Bearer   abc  ", "abc"],
    [undefined, null],
    [null, null],
    ["", null],
    ["Bearer", null],
    ["Bearer ", null],
    ["Basic dXNlcjpwYXNz", null],
    ["Bearer two tokens", null],
    ["abc", null],
  ])("%j → %j", (header, expected) => {
    expect(tokenFromAuthorizationHeader(header)).toBe(expected);
  });
});
