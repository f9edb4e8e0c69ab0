import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("stores scrypt$N$r$p$salt$hash with a fresh salt each time", async () => {
    const first = await hashPassword("correct horse battery");
    const second = await hashPassword("correct horse battery");
    const match = first.match(/^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/);
    expect(match).not.toBeNull();
    const [, n, r, p, salt, hash] = match as RegExpMatchArray;
    expect(Number(n)).toBeGreaterThanOrEqual(16384);
    expect(Number(r)).toBeGreaterThanOrEqual(8);
    expect(Number(p)).toBeGreaterThanOrEqual(1);
    expect(Buffer.from(salt as string, "base64").length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(hash as string, "base64").length).toBeGreaterThanOrEqual(32);
    expect(first).not.toBe(second);
    expect(first).not.toContain("correct horse");
  });

  it("accepts the right password and rejects others", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("honours the cost parameters written in the stored hash", async () => {
    const stored = await hashPassword("a-long-password");
    const [scheme, , r, p, salt, hash] = stored.split("$");
    // Same salt and hash but a different N must not verify: N is part of the derivation.
    expect(await verifyPassword("a-long-password", [scheme, 1024, r, p, salt, hash].join("$"))).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch instead of throwing", async () => {
    for (const stored of ["", "plaintext", "bcrypt$10$abc", "scrypt$16384$8$1$c2FsdA=="]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });
});
