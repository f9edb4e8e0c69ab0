import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { EmbeddedPostgresAccessError, startEmbeddedPostgres } from "./embedded.ts";

// Only root runs PostgreSQL as another user (`postgres`), so only root can meet this.
it.runIf(process.getuid?.() === 0)(
  "as root, refuses at once, naming the directory the postgres user cannot enter, instead of crashing in initdb",
  async () => {
    const closed = await mkdtemp(path.join(os.tmpdir(), "sb-closed-")); // 0700, as mktemp -d makes it
    try {
      const started = startEmbeddedPostgres({ dataDir: path.join(closed, ".data", "postgres"), ephemeral: true });
      await expect(started).rejects.toBeInstanceOf(EmbeddedPostgresAccessError);
      await expect(started).rejects.toThrow(`cannot enter ${closed} `);
      await expect(started).rejects.toThrow("set DATABASE_URL");
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  },
);
