// The EventBus: the one way anything is pushed to clients.
//
//   publish(tx, …)  writes the event in the caller's transaction (outbox.ts)
//   CommitWatcher   notices the commit and sends one coalesced NOTIFY (a wake-up, never data)
//   ListenConnection  one LISTEN per process; every wake-up (or the periodic poll) runs the pump
//   pump            reads deliverable outbox rows in (txId, id) order and fans them out in memory
//   subscribe(…)    a tracked tRPC async iterable: catch-up from the outbox after lastEventId,
//                   then live events, with no gap and no duplicate
import { randomUUID } from "node:crypto";
import type { Transaction } from "@switchboard/db";
import { type TrackedEnvelope, tracked } from "@trpc/server";
import pg from "pg";
import pino, { type Logger } from "pino";
import type { z } from "zod";
import { CommitWatcher } from "./commit-watcher.ts";
import { comparePositions, type EventPosition, formatEventId, parseEventId, START_POSITION } from "./event-position.ts";
import { ListenConnection } from "./listen-connection.ts";
import {
  deliverableHead,
  hasWithheld,
  insertEvent,
  isRetained,
  type OutboxRow,
  pruneOlderThan,
  readDeliverable,
  readScope,
} from "./outbox.ts";
import { shareMessage } from "./shared-message.ts";
import { SlowSubscriberError, SubscriberQueue } from "./subscriber-queue.ts";

/** One zod schema per topic. Payloads must be JSON values (they are stored as jsonb). */
export type TopicSchemas = Record<string, z.ZodType>;

export type BusMessage<TPayload> =
  | { type: "event"; topic: string; scope: string; payload: TPayload; createdAt: string }
  /** Events after the client's lastEventId were pruned: refetch, then continue live. */
  | { type: "resync" };

export interface EventBusOptions<TTopics extends TopicSchemas> {
  databaseUrl: string;
  topics: TTopics;
  log?: Logger;
  /** NOTIFY channel shared by every instance on the database. */
  channel?: string;
  /** Safety-net poll of the outbox, for wake-ups lost with a dropped connection or a crashed publisher. */
  pollMs?: number;
  batchSize?: number;
  /**
   * Events a subscriber may fall behind before it is ended (its client then resumes from the
   * outbox). Keep it well above batchSize: one pump delivers a whole batch before consumers run.
   */
  subscriberBufferLimit?: number;
  /** Outbox rows older than this are pruned; resumes from before it get a resync message. */
  retentionMs?: number;
  pruneEveryMs?: number;
}

export class UnknownTopicError extends Error {
  constructor(topic: string) {
    super(`unknown event topic "${topic}"`);
    this.name = "UnknownTopicError";
  }
}

/** A row as delivered: its envelope is built once and shared by every subscriber. */
interface Delivery {
  row: OutboxRow;
  envelope: TrackedEnvelope<BusMessage<unknown>>;
}

interface Subscriber {
  queue: SubscriberQueue<Delivery>;
}

function envelopeOf(row: OutboxRow): TrackedEnvelope<BusMessage<unknown>> {
  const message: BusMessage<unknown> = {
    type: "event",
    topic: row.topic,
    scope: row.scope,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  };
  return tracked(formatEventId(row.position), shareMessage(message));
}

const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Subscribers served before the fan-out lets other work run. */
const DISPATCH_SLICE = 200;

export class EventBus<TTopics extends TopicSchemas> {
  readonly instanceId = randomUUID();
  private readonly pool: pg.Pool;
  private readonly log: Logger;
  private readonly channel: string;
  private readonly listener: ListenConnection;
  private readonly watcher: CommitWatcher;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private cursor: EventPosition = START_POSITION;
  private pumping = false;
  private pumpAgain = false;
  private withheldTimer: NodeJS.Timeout | null = null;
  private withheldDelayMs = 2;
  private notifying = false;
  private notifyAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private stopped = false;
  /** Counters for tests, benchmarks and health. */
  readonly stats = { delivered: 0, pumps: 0, notifies: 0, slowSubscribersEnded: 0 };

  constructor(private readonly options: EventBusOptions<TTopics>) {
    this.log = options.log ?? pino({ level: "silent" });
    this.channel = options.channel ?? "switchboard_events";
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
    this.pool.on("error", (error) => this.log.warn({ err: error }, "event bus pool connection error"));
    this.listener = new ListenConnection({
      databaseUrl: options.databaseUrl,
      channel: this.channel,
      log: this.log,
      onWake: () => this.wake(),
    });
    this.watcher = new CommitWatcher({ pool: this.pool, log: this.log, onCommitted: () => this.onLocalCommit() });
  }

  /** Starts listening; live delivery begins at the events committed from now on. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.cursor = (await deliverableHead(this.pool)) ?? START_POSITION;
    this.listener.start();
    await this.listener.ready;
    this.timers.push(setInterval(() => this.wake(), this.options.pollMs ?? 1000));
    this.timers.push(setInterval(() => void this.prune(), this.options.pruneEveryMs ?? 60_000));
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.withheldTimer) clearTimeout(this.withheldTimer);
    this.watcher.stop();
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.queue.close();
    this.subscribers.clear();
    await this.listener.stop();
    await this.pool.end();
  }

  /**
   * Writes an event inside the caller's Prisma interactive transaction: it exists if and only
   * if that transaction commits. A payload that does not match its topic's schema throws, and
   * so fails the transaction (no half-written event).
   */
  async publish<K extends keyof TTopics & string>(
    tx: Transaction,
    topic: K,
    scope: string,
    payload: z.input<TTopics[K]>,
  ): Promise<string> {
    const schema = this.options.topics[topic];
    if (!schema) throw new UnknownTopicError(topic);
    const value = schema.parse(payload);
    const position = await insertEvent(tx, topic, scope, value);
    this.watcher.watch(position.txId);
    return formatEventId(position);
  }

  /** The id of the newest event this instance has delivered: read it before a query, subscribe from it after. */
  headEventId(): string {
    return formatEventId(this.cursor);
  }

  /**
   * Events of one topic and scope for a tRPC subscription procedure: yields tracked(id, message).
   * With lastEventId it first replays what the client missed from the outbox, then goes live.
   * When the consumer falls too far behind (its queue overflows, or `backedUp` says its
   * connection is) it calls `onFellBehind` and ends; without that callback a queue overflow
   * throws SubscriberQueue's SlowSubscriberError.
   */
  async *subscribe<K extends keyof TTopics & string>(
    topic: K,
    scope: string,
    options: {
      lastEventId?: string | null | undefined;
      signal?: AbortSignal | undefined;
      backedUp?: () => boolean;
      onFellBehind?: () => void;
    } = {},
  ): AsyncGenerator<TrackedEnvelope<BusMessage<z.output<TTopics[K]>>>, void, unknown> {
    if (!this.options.topics[topic]) throw new UnknownTopicError(topic);
    let cursor: EventPosition | null = null;
    if (options.lastEventId) {
      cursor = parseEventId(options.lastEventId);
      if (!cursor) throw new RangeError(`malformed lastEventId "${options.lastEventId}"`);
    }
    // Register before reading the outbox: events delivered from now on queue up here, and the
    // catch-up reads exactly up to the frontier delivered before registration.
    const subscriber: Subscriber = { queue: new SubscriberQueue(this.options.subscriberBufferLimit ?? 5000) };
    const key = `${topic}\u0000${scope}`;
    const frontier = this.cursor;
    const set = this.subscribers.get(key) ?? new Set();
    this.subscribers.set(key, set);
    set.add(subscriber);
    const onAbort = () => subscriber.queue.close();
    options.signal?.addEventListener("abort", onAbort);
    if (options.signal?.aborted) subscriber.queue.close();

    type Message = BusMessage<z.output<TTopics[K]>>;
    // Payloads were parsed by the topic's schema when published.
    const typed = (envelope: TrackedEnvelope<BusMessage<unknown>>) => envelope as TrackedEnvelope<Message>;
    try {
      if (cursor && !(await isRetained(this.pool, cursor))) {
        yield tracked(formatEventId(frontier), { type: "resync" } as Message);
        cursor = frontier;
      }
      if (cursor) {
        const pageSize = this.options.batchSize ?? 500;
        while (comparePositions(cursor, frontier) < 0) {
          const rows = await readScope(this.pool, topic, scope, cursor, frontier, pageSize);
          for (const row of rows) {
            yield typed(envelopeOf(row));
            cursor = row.position;
          }
          if (rows.length < pageSize) break;
        }
      }
      for (;;) {
        let next: IteratorResult<Delivery>;
        try {
          next = await subscriber.queue.next();
        } catch (error) {
          if (!(error instanceof SlowSubscriberError) || !options.onFellBehind) throw error;
          this.stats.slowSubscribersEnded++;
          options.onFellBehind();
          return;
        }
        if (next.done) return;
        const { row, envelope } = next.value;
        if (cursor && comparePositions(row.position, cursor) <= 0) continue;
        if (options.backedUp?.()) {
          this.stats.slowSubscribersEnded++;
          options.onFellBehind?.();
          return;
        }
        cursor = row.position;
        yield typed(envelope);
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      subscriber.queue.close();
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
    }
  }

  /** Number of live subscribers on this instance. */
  subscriberCount(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  /** Reads and fans out whatever became deliverable. Coalesced: concurrent wake-ups share one pump. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    this.stats.pumps++;
    try {
      do {
        this.pumpAgain = false;
        const batchSize = this.options.batchSize ?? 500;
        for (;;) {
          const rows = await readDeliverable(this.pool, this.cursor, batchSize);
          for (const row of rows) {
            this.cursor = row.position;
            await this.dispatch(row);
          }
          if (rows.length < batchSize) break;
        }
        if (await hasWithheld(this.pool, this.cursor)) this.retryWithheld();
        else this.withheldDelayMs = 2;
      } while (this.pumpAgain && !this.stopped);
    } catch (error) {
      if (!this.stopped) {
        this.log.warn({ err: error }, "event pump failed; retrying");
        this.retryWithheld();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Committed rows wait behind an older running transaction: look again shortly. */
  private retryWithheld(): void {
    if (this.withheldTimer || this.stopped) return;
    this.withheldTimer = setTimeout(() => {
      this.withheldTimer = null;
      this.wake();
    }, this.withheldDelayMs);
    this.withheldDelayMs = Math.min(this.withheldDelayMs * 2, 100);
  }

  /**
   * Hands the row to its subscribers. A large audience is served in slices, letting the rest of
   * the process (API calls, commits) run in between instead of stalling for the whole fan-out.
   */
  private async dispatch(row: OutboxRow): Promise<void> {
    const set = this.subscribers.get(`${row.topic}\u0000${row.scope}`);
    if (!set) return;
    const delivery: Delivery = { row, envelope: envelopeOf(row) };
    if (set.size <= DISPATCH_SLICE) {
      for (const subscriber of set) subscriber.queue.push(delivery);
      this.stats.delivered += set.size;
      return;
    }
    // A snapshot: whoever subscribes meanwhile catches up from the outbox (or starts after this row).
    const audience = [...set];
    for (let start = 0; start < audience.length; start += DISPATCH_SLICE) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const subscriber of audience.slice(start, start + DISPATCH_SLICE)) subscriber.queue.push(delivery);
    }
    this.stats.delivered += audience.length;
  }

  private onLocalCommit(): void {
    this.wake();
    void this.notifyOthers();
  }

  /** One NOTIFY at a time; commits that arrive meanwhile share the next one. */
  private async notifyOthers(): Promise<void> {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    try {
      do {
        this.notifyAgain = false;
        await this.pool.query("SELECT pg_notify($1, '')", [this.channel]);
        this.stats.notifies++;
      } while (this.notifyAgain && !this.stopped);
    } catch (error) {
      // Other instances still find the event with their periodic poll.
      if (!this.stopped) this.log.warn({ err: error }, "NOTIFY failed");
    } finally {
      this.notifying = false;
    }
  }

  async prune(now = new Date()): Promise<number> {
    if (this.stopped) return 0;
    try {
      const deleted = await pruneOlderThan(
        this.pool,
        new Date(now.getTime() - (this.options.retentionMs ?? DEFAULT_RETENTION_MS)),
      );
      if (deleted) this.log.info({ deleted }, "pruned event outbox");
      return deleted;
    } catch (error) {
      this.log.warn({ err: error }, "outbox pruning failed");
      return 0;
    }
  }

  /** For tests: the LISTEN connection, to drop it on purpose. */
  get listenConnection(): ListenConnection {
    return this.listener;
  }
}
