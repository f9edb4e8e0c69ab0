// Secrets a tenant gives us (their AI provider's key, API key reveal material) are stored
// encrypted with AES-256-GCM under one server key (SECRETS_KEY). Hand-written over node:crypto
// because the whole job is a dozen lines of the standard AEAD; a library would add a format we
// do not control.
//
// Format: `v1.<iv>.<tag>.<body>` (base64url parts). The version lets a later key or algorithm
// sit beside old rows. The caller's `context` (e.g. "agent_versions.llm_api_key:<agentId>") is
// bound as GCM additional data, so a ciphertext copied to another row or purpose fails to open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A ciphertext that is malformed, was made under another key, or belongs to another context. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`the secrets key must be ${KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  /** From SECRETS_KEY's value: 32 bytes in base64 (e.g. `openssl rand -base64 32`). */
  static fromBase64(value: string): SecretBox {
    const key = Buffer.from(value.trim(), "base64");
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError(`SECRETS_KEY must be ${KEY_BYTES} bytes in base64 (try: openssl rand -base64 32)`);
    }
    return new SecretBox(key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === "string" ? part : b64(part)))
      .join(".");
  }

  decrypt(ciphertext: string, context: string): string {
    const parts = ciphertext.split(".");
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError("not a v1 secret");
    const [iv, tag, body] = parts.slice(1).map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError("not a v1 secret");
    const decipher = createDecipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretBoxError("the secret could not be opened (another key or another context)");
    }
  }
}

/** A short, non-reversible label for a secret, so people can tell which one is saved. */
export function secretFingerprint(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex").slice(0, 8);
}

export interface SecretBoxSource {
  /** SECRETS_KEY, base64. Wins when set. */
  secretsKey?: string | undefined;
  /**
   * The embedded-database data directory (SWITCHBOARD_DATA_DIR or .data), or null with an
   * external DATABASE_URL. Only then may a key be generated: it is kept in a file there, beside
   * the database but never in it, so a copy of the database alone opens nothing.
   */
  dataDir: string | null;
}

/** The key file's name inside the data directory. */
export const SECRETS_KEY_FILE = "secrets.key";

/**
 * The process's SecretBox: from SECRETS_KEY; else, in embedded mode, from (or newly into) the
 * data directory's key file; else null — an external database with no key means the features
 * that store secrets are off and say so (several instances must share one key, so none may
 * invent its own).
 */
export async function loadSecretBox(source: SecretBoxSource): Promise<SecretBox | null> {
  if (source.secretsKey) return SecretBox.fromBase64(source.secretsKey);
  if (source.dataDir === null) return null;
  const file = path.join(source.dataDir, SECRETS_KEY_FILE);
  await mkdir(source.dataDir, { recursive: true });
  // Written whole to a private temporary file, then hard-linked into place: link() fails if the
  // key file exists, so two processes starting at once agree on one key and neither can read a
  // half-written file.
  const candidate = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(candidate, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { flag: "wx", mode: 0o600 });
  try {
    await link(candidate, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(candidate);
  }
  await chmod(file, 0o600);
  return SecretBox.fromBase64(await readFile(file, "utf8"));
}

function b64(buffer: Buffer) {
  return buffer.toString("base64url");
}
