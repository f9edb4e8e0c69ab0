// Secrets handed out once — session tokens, invitation links, API keys and their reveal tokens:
// random bytes in base64url, of which only the SHA-256 (hex) is stored, so a copy of the
// database holds nothing that signs anyone in, accepts an invitation or calls the API. One
// helper for all of them, so the way a secret is made and stored has one place to change.
import { createHash, randomBytes } from "node:crypto";

/** A new secret of `bytes` random bytes (32 by default), base64url-encoded. */
export function newSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** What is stored for a secret: its SHA-256 in hex. */
export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
