// The onboarding's API key (made by api-keys.ts: stored as its SHA-256 and a fingerprint). For
// its one-time reveal the secret is also kept encrypted twice: under a key derived from a random
// reveal token (the token lives only in the onboarding step's server-side result), and around
// that under the server's SecretBox, bound to the key row's id. Both the token and the
// ciphertext are in the database, so the SecretBox layer is what keeps a copy of the database
// alone from opening an unrevealed key; the token layer keeps the server key alone from opening
// it. Both are erased at the reveal (in its transaction) and when the 2-hour window ends
// (eraseExpiredRevealMaterial, run each minute by a graphile-worker cron task: onboarding/jobs.ts).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Database } from "@switchboard/db";
import type { SecretBox } from "@switchboard/integrations";
import { newApiKey } from "../api-keys.ts";
import { hashSecretToken, newSecretToken } from "../secret-tokens.ts";

export const REVEAL_WINDOW_MS = 2 * 60 * 60 * 1000;

/** A new key (api-keys.ts) with the random token its one-time reveal is sealed under. */
export function newRevealableApiKey() {
  const revealToken = newSecretToken();
  return { ...newApiKey(), revealToken, revealTokenHash: hashSecretToken(revealToken) };
}

/** The SecretBox context: a reveal ciphertext opens only on the key row it was made for. */
const revealContext = (apiKeyId: string) => `api_keys.reveal_ciphertext:${apiKeyId}`;

/** The reveal ciphertext stored on the key row. */
export function sealForReveal(secret: string, revealToken: string, secrets: SecretBox, apiKeyId: string): string {
  return secrets.encrypt(encryptWithToken(secret, revealToken), revealContext(apiKeyId));
}

/** The secret back from its reveal ciphertext; throws when either the server key or the token is wrong. */
export function openForReveal(ciphertext: string, revealToken: string, secrets: SecretBox, apiKeyId: string): string {
  return decryptWithToken(secrets.decrypt(ciphertext, revealContext(apiKeyId)), revealToken);
}

const keyFrom = (revealToken: string) => createHash("sha256").update(`reveal:${revealToken}`).digest();

function encryptWithToken(secret: string, revealToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(revealToken), iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url")).join(".");
}

function decryptWithToken(ciphertext: string, revealToken: string): string {
  const [iv, tag, body] = ciphertext.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !body) throw new Error("malformed reveal ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(revealToken), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
}

/**
 * Erases the reveal material of every key whose window has ended unrevealed: the ciphertext and
 * token hash on the key row and the token in its onboarding step's result, in one transaction.
 * Returns how many keys it erased.
 */
export async function eraseExpiredRevealMaterial(db: Database, now = new Date()): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE onboarding_steps SET result = result - 'revealToken'
      WHERE name = 'generate_api_key' AND jsonb_typeof(result) = 'object' AND result ? 'revealToken'
        AND session_id IN (SELECT onboarding_session_id FROM api_keys
                           WHERE reveal_expires_at < ${now} AND onboarding_session_id IS NOT NULL)`;
    const { count } = await tx.apiKey.updateMany({
      where: {
        revealExpiresAt: { lt: now },
        OR: [{ revealCiphertext: { not: null } }, { revealTokenHash: { not: null } }],
      },
      data: { revealCiphertext: null, revealTokenHash: null },
    });
    return count;
  });
}
