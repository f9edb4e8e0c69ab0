// Semantic memory without pgvector.
//
// Storage: each coaching message gets one embedding (OpenAI embeddings API, `dimensions` reduced
// to 256) stored in message_embeddings.vector as bytea holding little-endian float32, normalised
// to unit length. bytea rather than float4[]: 1 KiB a row either way, but bytea arrives in Node
// as one buffer that is copied straight into a Float32Array, while float4[] is sent as text and
// parsed number by number (2.5 million numbers for 10,000 memories). Unit length makes cosine
// similarity a plain dot product. Little-endian is what every machine we run on uses.
//
// Retrieval: per process, a cache of each active user's vectors in ONE contiguous Float32Array
// (row i = memory i), loaded once from PostgreSQL, appended to when this process stores an
// embedding, and searched by brute force: 10,000 memories × 256 dims = 2.6 M multiply-adds,
// a few milliseconds in V8, with a k-sized insertion list for the top k. That meets "top-10 for
// 10,000 memories under 25 ms p99 warm" without an index, and it is exact (no recall loss).
//
// Staying correct with several server instances: before a search, at most once a second per
// user (revalidateMs), the user's embedding count is read (a count on the (user_id, created_at)
// index); if it differs from the cache — another instance stored or deleted memories, or an
// append raced a load — the user's vectors are reloaded. So another instance's memories are
// visible within a second; this instance's own are visible at once (appended on insert). Results are re-read from `messages` filtered by user id, so a
// memory deleted elsewhere is never returned, and another user's row can never be.
//
// Limits: memory per cached user is dims × 4 bytes × memories (10 MB at 10,000 × 256); the
// cache is LRU-bounded by total floats (128 MB by default), so a large tenant count means more
// reloads, not more memory. A delete plus an insert elsewhere between two searches leaves the
// count unchanged; the deleted row is filtered out at hydration and the new one is found after
// the next change. Brute force grows linearly: past ~100,000 memories per user an ANN index
// (HNSW, or pgvector where available) is the next step. Vectors of another model or dimension
// are ignored (a model change needs a re-embed via backfillEmbeddings after deleting old rows).
import type { Database } from "@switchboard/db";
import type { OpenAIClient } from "@switchboard/integrations";
import type pino from "pino";
import { recordUsage } from "./usage.ts";

export const EMBEDDING_MODEL = "text-embedding-3-small";
export const EMBEDDING_DIMENSIONS = 256;
/** Below this cosine similarity a past message is not "relevant" and is not sent to the coach. */
const MIN_SIMILARITY = 0.2;
/** Embedding inputs are cut to this many characters (well below the model's 8,191-token limit). */
const MAX_EMBED_CHARS = 8000;
const DEFAULT_MAX_CACHED_FLOATS = 32 * 1024 * 1024;
/** How stale a cached user may be with respect to other server instances' writes. */
const DEFAULT_REVALIDATE_MS = 1000;

interface UserVectors {
  ids: string[];
  /** Row of each id, so an append that a reload already picked up is not added twice. */
  rows: Map<string, number>;
  vectors: Float32Array;
  count: number;
  /** When the count was last compared with PostgreSQL (performance.now()). */
  checkedAt: number;
}

export interface MemoryMatch {
  messageId: string;
  score: number;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

export function vectorToBytes(vector: Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Float32Array.from(vector).buffer);
}

export class MemoryIndex {
  readonly model: string;
  readonly dimensions: number;
  private readonly maxCachedFloats: number;
  private readonly revalidateMs: number;
  /** Map order is recency: a used entry is re-inserted, the first one is the least recently used. */
  private readonly cache = new Map<string, UserVectors>();
  private readonly loads = new Map<string, Promise<UserVectors>>();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    options: { model?: string; dimensions?: number; maxCachedFloats?: number; revalidateMs?: number } = {},
  ) {
    this.revalidateMs = options.revalidateMs ?? DEFAULT_REVALIDATE_MS;
    this.model = options.model ?? EMBEDDING_MODEL;
    this.dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
    this.maxCachedFloats = options.maxCachedFloats ?? DEFAULT_MAX_CACHED_FLOATS;
  }

  /** Embeds texts for one user (one API call), normalised; the call is recorded as usage. */
  async embed(
    openai: OpenAIClient,
    log: pino.Logger,
    userId: string,
    texts: string[],
    purpose: string,
  ): Promise<Float32Array[]> {
    const started = performance.now();
    const response = await openai.embeddings.create({
      model: this.model,
      dimensions: this.dimensions,
      input: texts.map((text) => text.slice(0, MAX_EMBED_CHARS)),
    });
    await recordUsage(this.db, log, {
      userId,
      kind: "embedding",
      model: response.model || this.model,
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: 0,
      latencyMs: performance.now() - started,
      metadata: { purpose, inputs: texts.length },
    });
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => Float32Array.from(d.embedding));
    if (vectors.length !== texts.length || vectors.some((v) => v.length !== this.dimensions)) {
      throw new Error(`embeddings response does not match the request (${vectors.length} of ${texts.length})`);
    }
    return vectors.map(normalize);
  }

  /** Stores a message's embedding (owner taken from the message row) and adds it to the cache. */
  async store(message: { id: string; userId: string }, vector: Float32Array): Promise<void> {
    await this.db.messageEmbedding.createMany({
      data: [
        {
          messageId: message.id,
          userId: message.userId,
          model: this.model,
          dimensions: this.dimensions,
          vector: vectorToBytes(vector),
        },
      ],
      skipDuplicates: true,
    });
    this.append(message.userId, message.id, vector);
  }

  /**
   * Embeds and stores a message in the background: the reply never waits for it. A failure is
   * logged; backfillEmbeddings picks the message up later.
   */
  remember(
    openai: OpenAIClient,
    log: pino.Logger,
    message: { id: string; userId: string; content: string },
    vector?: Float32Array,
  ): void {
    if (!message.content.trim()) return;
    const task = (async () => {
      try {
        const embedded = vector ?? (await this.embed(openai, log, message.userId, [message.content], "memory"))[0]!;
        await this.store(message, embedded);
      } catch (error) {
        log.warn({ err: error, messageId: message.id }, "embedding a message failed; backfill will retry it");
      }
    })();
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  /** Resolves once every background embedding started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** The user's k most similar memories (cosine similarity, best first), skipping `exclude`. */
  async search(
    userId: string,
    query: Float32Array,
    k: number,
    options: { exclude?: Iterable<string>; minScore?: number } = {},
  ): Promise<MemoryMatch[]> {
    const user = await this.vectorsOf(userId);
    const minScore = options.minScore ?? MIN_SIMILARITY;
    const skipped = new Set<number>();
    for (const id of options.exclude ?? []) {
      const row = user.rows.get(id);
      if (row !== undefined) skipped.add(row);
    }
    const dims = this.dimensions;
    const { vectors } = user;
    const bestRows: number[] = [];
    const bestScores: number[] = [];
    for (let row = 0; row < user.count; row++) {
      if (skipped.has(row)) continue;
      const offset = row * dims;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += vectors[offset + d]! * query[d]!;
      if (dot < minScore) continue;
      if (bestScores.length === k && dot <= bestScores[k - 1]!) continue;
      let at = bestScores.length;
      while (at > 0 && bestScores[at - 1]! < dot) at--;
      bestScores.splice(at, 0, dot);
      bestRows.splice(at, 0, row);
      if (bestScores.length > k) {
        bestScores.pop();
        bestRows.pop();
      }
    }
    return bestRows.map((row, i) => ({ messageId: user.ids[row]!, score: bestScores[i]! }));
  }

  /** Drops a user's cached vectors (after deleting their messages); the next search reloads. */
  invalidate(userId: string): void {
    this.cache.delete(userId);
  }

  private append(userId: string, messageId: string, vector: Float32Array): void {
    const user = this.cache.get(userId);
    if (!user || user.rows.has(messageId)) return;
    const dims = this.dimensions;
    if ((user.count + 1) * dims > user.vectors.length) {
      const grown = new Float32Array(Math.max(user.vectors.length * 2, 64 * dims));
      grown.set(user.vectors.subarray(0, user.count * dims));
      user.vectors = grown;
    }
    user.vectors.set(vector, user.count * dims);
    user.ids.push(messageId);
    user.rows.set(messageId, user.count);
    user.count++;
    this.evict();
  }

  private async vectorsOf(userId: string): Promise<UserVectors> {
    const cached = this.cache.get(userId);
    const fresh = (user: UserVectors) => {
      this.cache.delete(userId);
      this.cache.set(userId, user);
      return user;
    };
    if (cached && performance.now() - cached.checkedAt < this.revalidateMs) return fresh(cached);
    const stored = await this.db.messageEmbedding.count({
      where: { userId, model: this.model, dimensions: this.dimensions },
    });
    if (cached && cached.count === stored) {
      cached.checkedAt = performance.now();
      return fresh(cached);
    }
    let load = this.loads.get(userId);
    if (!load) {
      load = this.load(userId).finally(() => this.loads.delete(userId));
      this.loads.set(userId, load);
    }
    return load;
  }

  private async load(userId: string): Promise<UserVectors> {
    const rows = await this.db.messageEmbedding.findMany({
      where: { userId, model: this.model, dimensions: this.dimensions },
      select: { messageId: true, vector: true },
      orderBy: { createdAt: "asc" },
    });
    const dims = this.dimensions;
    const bytesPerRow = dims * 4;
    const vectors = new Float32Array(Math.max(rows.length, 16) * dims);
    const bytes = new Uint8Array(vectors.buffer);
    const user: UserVectors = { ids: [], rows: new Map(), vectors, count: 0, checkedAt: performance.now() };
    for (const row of rows) {
      if (row.vector.byteLength !== bytesPerRow) continue;
      bytes.set(row.vector, user.count * bytesPerRow);
      user.ids.push(row.messageId);
      user.rows.set(row.messageId, user.count);
      user.count++;
    }
    this.cache.delete(userId);
    this.cache.set(userId, user);
    this.evict();
    return user;
  }

  private evict(): void {
    let total = 0;
    for (const user of this.cache.values()) total += user.vectors.length;
    for (const [userId, user] of this.cache) {
      if (total <= this.maxCachedFloats || this.cache.size === 1) break;
      this.cache.delete(userId);
      total -= user.vectors.length;
    }
  }
}

/** One index per database handle per process (tests give each file its own database). */
const indexes = new WeakMap<Database, MemoryIndex>();

export function memoryIndexFor(db: Database): MemoryIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new MemoryIndex(db);
    indexes.set(db, index);
  }
  return index;
}

/**
 * Embeds stored messages that have no embedding yet (a background embedding failed, or the
 * process stopped first), oldest first, in batches of one API call. Stops at the first failure
 * (logged) so a broken API is not hammered; run it again later. Returns how many were embedded.
 */
export async function backfillEmbeddings(
  deps: { db: Database; openai: OpenAIClient; log: pino.Logger },
  options: { batchSize?: number; limit?: number } = {},
): Promise<{ embedded: number; failed: boolean }> {
  const index = memoryIndexFor(deps.db);
  const batchSize = options.batchSize ?? 100;
  const limit = options.limit ?? 10_000;
  let embedded = 0;
  while (embedded < limit) {
    const pending = await deps.db.message.findMany({
      where: { embedding: { is: null }, status: { not: "failed" }, content: { not: "" } },
      orderBy: { createdAt: "asc" },
      take: Math.min(batchSize, limit - embedded),
      select: { id: true, userId: true, content: true },
    });
    if (pending.length === 0) break;
    const byUser = new Map<string, typeof pending>();
    for (const message of pending) byUser.set(message.userId, [...(byUser.get(message.userId) ?? []), message]);
    try {
      for (const [userId, messages] of byUser) {
        const vectors = await index.embed(
          deps.openai,
          deps.log,
          userId,
          messages.map((m) => m.content),
          "backfill",
        );
        for (const [i, message] of messages.entries()) await index.store(message, vectors[i]!);
        embedded += messages.length;
      }
    } catch (error) {
      deps.log.warn({ err: error, embedded }, "backfilling embeddings failed; will retry on the next run");
      return { embedded, failed: true };
    }
  }
  return { embedded, failed: false };
}
