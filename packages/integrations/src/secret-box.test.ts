import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSecretBox, SECRETS_KEY_FILE, SecretBox, SecretBoxError, secretFingerprint } from "./secret-box.ts";

const box = () => new SecretBox(randomBytes(32));

describe("SecretBox", () => {
  it("opens what it sealed, in the same context", () => {
    const secrets = box();
    const sealed = secrets.encrypt("sk-tenant-123 ✓", "agent:1");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("sk-tenant");
    expect(secrets.decrypt(sealed, "agent:1")).toBe("sk-tenant-123 ✓");
  });

  it("seals the same text differently each time (fresh IV)", () => {
    const secrets = box();
    expect(secrets.encrypt("same", "c")).not.toBe(secrets.encrypt("same", "c"));
  });

  it("refuses a ciphertext moved to another context", () => {
    const secrets = box();
    const sealed = secrets.encrypt("sk-a", "agent:1");
    expect(() => secrets.decrypt(sealed, "agent:2")).toThrow(SecretBoxError);
  });

  it("refuses another key's ciphertext and a tampered one", () => {
    const sealed = box().encrypt("sk-a", "c");
    expect(() => box().decrypt(sealed, "c")).toThrow(SecretBoxError);
    const secrets = box();
    const [v, iv, tag, body] = secrets.encrypt("sk-a", "c").split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0]! ^= 1;
    expect(() => secrets.decrypt([v, iv, tag, flipped.toString("base64url")].join("."), "c")).toThrow(SecretBoxError);
    expect(() => secrets.decrypt("v2.a.b.c", "c")).toThrow(SecretBoxError);
    expect(() => secrets.decrypt("plain text", "c")).toThrow(SecretBoxError);
  });

  it("takes SECRETS_KEY as 32 bytes of base64 and refuses anything else", () => {
    const key = randomBytes(32).toString("base64");
    const sealed = SecretBox.fromBase64(key).encrypt("x", "c");
    expect(SecretBox.fromBase64(key).decrypt(sealed, "c")).toBe("x");
    expect(() => SecretBox.fromBase64(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });

  it("fingerprints are short and stable", () => {
    expect(secretFingerprint("sk-a")).toMatch(/^[0-9a-f]{8}$/);
    expect(secretFingerprint("sk-a")).toBe(secretFingerprint("sk-a"));
    expect(secretFingerprint("sk-a")).not.toBe(secretFingerprint("sk-b"));
  });
});

describe("loadSecretBox", () => {
  it("uses SECRETS_KEY when set, whatever the database mode", async () => {
    const key = randomBytes(32).toString("base64");
    const sealed = SecretBox.fromBase64(key).encrypt("x", "c");
    const loaded = await loadSecretBox({ secretsKey: key, dataDir: null });
    expect(loaded?.decrypt(sealed, "c")).toBe("x");
  });

  it("with an external database and no key there is no box", async () => {
    expect(await loadSecretBox({ dataDir: null })).toBeNull();
  });

  it("in embedded mode keeps a generated key in the data directory (owner-only) and reuses it", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "secret-box-"));
    const [first, second] = await Promise.all([loadSecretBox({ dataDir }), loadSecretBox({ dataDir })]);
    const sealed = first!.encrypt("x", "c");
    expect(second!.decrypt(sealed, "c")).toBe("x");
    const again = await loadSecretBox({ dataDir });
    expect(again!.decrypt(sealed, "c")).toBe("x");
    const file = path.join(dataDir, SECRETS_KEY_FILE);
    expect(Buffer.from((await readFile(file, "utf8")).trim(), "base64")).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
