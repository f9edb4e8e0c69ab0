// API keys: a random secret shown to its owner once. Stored: the secret's SHA-256 (to
// authenticate calls) and a fingerprint (to recognise it in lists). For the one-time reveal the
// secret is also kept encrypted (AES-256-GCM) under a key derived from a random reveal token;
// the token lives only in the onboarding step's server-side result, the ciphertext on the key
// row, and both are erased at the reveal or when the 2-hour window ends.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export const REVEAL_WINDOW_MS = 2 * 60 * 60 * 1000;

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function newApiKey() {
  const secret = `sb_live_${randomBytes(32).toString("base64url")}`;
  const revealToken = randomBytes(32).toString("base64url");
  return {
    secret,
    keyHash: sha256(secret),
    fingerprint: `sb_live_…${secret.slice(-6)}`,
    revealToken,
    revealTokenHash: sha256(revealToken),
    revealCiphertext: encrypt(secret, revealToken),
  };
}

const keyFrom = (revealToken: string) => createHash("sha256").update(`reveal:${revealToken}`).digest();

function encrypt(secret: string, revealToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(revealToken), iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url")).join(".");
}

export function decryptRevealed(ciphertext: string, revealToken: string): string {
  const [iv, tag, body] = ciphertext.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !body) throw new Error("malformed reveal ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(revealToken), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
}
