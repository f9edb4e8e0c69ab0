// API keys for server-to-server calls, shared by the two places that make them: onboarding (an
// organization's first key, revealable once within a window) and an organization's settings (a
// new key, shown once in the answer that creates it). A key is a random secret; only its
// SHA-256 (to authenticate calls) and a fingerprint (its last characters, to recognise it in a
// list) are stored, so a copy of the database holds nothing that calls the API.
import { hashSecretToken, newSecretToken } from "./secret-tokens.ts";

/** A new key: the secret to hand over once, and what is stored of it. */
export function newApiKey() {
  const secret = `sb_live_${newSecretToken()}`;
  return { secret, keyHash: hashSecretToken(secret), fingerprint: `sb_live_…${secret.slice(-6)}` };
}
