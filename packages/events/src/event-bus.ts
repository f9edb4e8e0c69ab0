// The EventBus: the one way anything is pushed to clients.
//
//   publish(tx, …)  writes the event in the caller's transaction (outbox.ts)
//   CommitNotifier  hears of the commit from the COMMIT itself; wakes the pump and sends one
//                   coalesced NOTIFY per burst of commits (a wake-up, never data)
//   ListenConnection  one LISTEN per process; every wake-up (or the periodic poll) runs the pump
//   pump            reads deliverable outbox rows in (txId, id) order and fans them out in memory
//                   (HandOut: a slice of subscribers per turn, while the pump reads on)
//   subscribe(…)    a tracked tRPC async iterable: catch-up from the outbox after lastEventId,
//                   then live events, with no gap and no duplicate
import { randomUUID } from "node:crypto";
import { atCommit, type Transaction } from "@switchboard/db";
import { type TrackedEnvelope, tracked } from "@trpc/server";
import pg from "pg";
import type { z } from "zod";
import { type BusLog, quiet } from "./bus-log.ts";
import { CommitNotifier } from "./commit-notifier.ts";
import { comparePositions, type EventPosition, formatEventId, parseEventId, START_POSITION } from "./event-position.ts";
import { HandOut } from "./hand-out.ts";
import { ListenConnection } from "./listen-connection.ts";
import {
  deliverableHead,
  insertEventStatement,
  type OutboxRow,
  oldestRunningWriter,
  pruneOlderThan,
  readDeliverable,
  readScope,
  resumeState,
} from "./outbox.ts";
import { shareMessage } from "./shared-message.ts";
import { SignalFeed, type SignalMessage, SignalReassembly, signalNotices } from "./signals.ts";
import { type DirectDelivery, Subscription, type Delivery as SubscriptionDelivery } from "./subscription.ts";

/** One zod schema per topic. Payloads must be JSON values (they are stored as jsonb). */
export type TopicSchemas = Record<string, z.ZodType>;

export type BusMessage<TPayload> =
  | { type: "event"; topic: string; scope: string; payload: TPayload; createdAt: string }
  /**
   * Events after the client's lastEventId were pruned, or its lastEventId is ahead of this
   * outbox (a restored or reset database): refetch, then continue live.
   */
  | { type: "resync" };

/** No signal topics: the default for buses that carry only events. */
type NoSignals = Record<never, z.ZodType>;

export interface EventBusOptions<TTopics extends TopicSchemas, TSignals extends TopicSchemas = NoSignals> {
  databaseUrl: string;
  topics: TTopics;
  /** Ephemeral signal topics (signals.ts): one zod schema each, like `topics`. */
  signalTopics?: TSignals;
  /** NOTIFY channel for signals, shared by every instance on the database. */
  signalChannel?: string;
  /** Signals a subscriber may have waiting before the oldest is dropped. */
  signalBufferLimit?: number;
  /** The process's logger (the bus only warns and informs); left out, the bus logs nothing. */
  log?: BusLog;
  /** NOTIFY channel shared by every instance on the database. */
  channel?: string;
  /** Safety-net poll of the outbox, for wake-ups lost with a dropped connection or a crashed publisher. */
  pollMs?: number;
  /**
   * Least time between two wake-ups (local pump + NOTIFY) for this instance's commits: a commit
   * after a quiet spell is announced at once, a busy stream of them at most once per interval.
   */
  wakeIntervalMs?: number;
  batchSize?: number;
  /**
   * Events a subscriber may fall behind before it is ended (its client then resumes from the
   * outbox). Keep it well above batchSize: one pump delivers a whole batch before consumers run.
   */
  subscriberBufferLimit?: number;
  /** Outbox rows older than this are pruned; resumes from before it get a resync message. */
  retentionMs?: number;
  pruneEveryMs?: number;
  /**
   * When the delivery horizon has held committed events back this long, the transaction holding
   * it is named in a warning (pid, application_name, how long it has been open): otherwise a
   * forgotten open transaction delays every live event with no word anywhere.
   */
  heldBackWarnMs?: number;
}

export class UnknownTopicError extends Error {
  constructor(topic: string) {
    super(`unknown event topic "${topic}"`);
    this.name = "UnknownTopicError";
  }
}

/** A row as delivered: its envelope is built once and shared by every subscriber. */
type Delivery = SubscriptionDelivery<TrackedEnvelope<BusMessage<unknown>>>;
type Subscriber = Subscription<TrackedEnvelope<BusMessage<unknown>>>;

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
/** Deliveries handed out per turn of the event loop before the fan-out lets other work run. */
const DISPATCH_SLICE = 200;
/** Deliveries queued for hand-out beyond which the pump waits for them before reading more. */
const MAX_WAITING_DELIVERIES = 100_000;

export class EventBus<TTopics extends TopicSchemas, TSignals extends TopicSchemas = NoSignals> {
  readonly instanceId = randomUUID();
  private readonly pool: pg.Pool;
  private readonly log: BusLog;
  private readonly channel: string;
  private readonly listener: ListenConnection;
  private readonly notifier: CommitNotifier;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly signalChannel: string;
  private readonly signalFeeds = new Map<string, Set<SignalFeed<unknown>>>();
  private readonly reassembly: SignalReassembly;
  private cursor: EventPosition = START_POSITION;
  private pumping = false;
  private pumpAgain = false;
  private readonly handOut = new HandOut<Subscriber, Delivery>(DISPATCH_SLICE);
  private withheldTimer: NodeJS.Timeout | null = null;
  private withheldDelayMs = 2;
  /** Since when every read found committed rows withheld (null: the last read did not). */
  private withheldSince: number | null = null;
  private nextHolderCheck = 0;
  /** The transaction last named in a held-back warning: each holder is named once. */
  private namedHolder: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private stopped = false;
  /** Counters for tests, benchmarks and health. */
  readonly stats = {
    delivered: 0,
    pumps: 0,
    notifies: 0,
    slowSubscribersEnded: 0,
    sentDirect: 0,
    signalsSent: 0,
    signalsDelivered: 0,
    /** Signals lost: dropped from a full subscriber buffer, or never completed from their parts. */
    signalsDropped: 0,
  };

  constructor(private readonly options: EventBusOptions<TTopics, TSignals>) {
    this.log = options.log ?? quiet;
    this.channel = options.channel ?? "switchboard_events";
    this.signalChannel = options.signalChannel ?? "switchboard_signals";
    this.reassembly = new SignalReassembly(this.instanceId, () => this.stats.signalsDropped++);
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
    this.pool.on("error", (error) => this.log.warn({ err: error }, "event bus pool connection error"));
    this.listener = new ListenConnection({
      databaseUrl: options.databaseUrl,
      channel: this.channel,
      log: this.log,
      onWake: () => this.wake(),
      ownPayload: this.instanceId,
      signals: { channel: this.signalChannel, onPayload: (payload) => this.onSignalNotice(payload) },
    });
    this.notifier = new CommitNotifier({
      pool: this.pool,
      log: this.log,
      notify: { channel: this.channel, payload: this.instanceId },
      onCommitted: () => this.onLocalCommit(),
      intervalMs: options.wakeIntervalMs ?? 5,
    });
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
    this.notifier.stop();
    this.handOut.clear();
    for (const set of this.subscribers.values()) for (const subscriber of [...set]) subscriber.close();
    this.subscribers.clear();
    for (const set of this.signalFeeds.values()) for (const feed of [...set]) feed.close();
    this.signalFeeds.clear();
    await this.listener.stop();
    await this.pool.end();
  }

  /**
   * Writes an event inside the caller's Prisma interactive transaction: it exists if and only
   * if that transaction commits. The outbox row is written by the transaction's COMMIT round
   * trip (atCommit), so publishing adds no statement of its own. A payload that does not match
   * its topic's schema throws, and so fails the transaction (no half-written event); so does a
   * failed outbox write at commit.
   */
  async publish<K extends keyof TTopics & string>(
    tx: Transaction,
    topic: K,
    scope: string,
    payload: z.input<TTopics[K]>,
  ): Promise<void> {
    const schema = this.options.topics[topic];
    if (!schema) throw new UnknownTopicError(topic);
    atCommit(tx, insertEventStatement(topic, scope, schema.parse(payload)), this.onCommitted);
  }

  private readonly onCommitted = () => this.notifier.committed();

  /** The id of the newest event this instance has delivered: read it before a query, subscribe from it after. */
  headEventId(): string {
    return formatEventId(this.cursor);
  }

  /**
   * Events of one topic and scope for a tRPC subscription procedure: yields tracked(id, message).
   * With lastEventId it first replays what the client missed from the outbox, then goes live.
   * When the consumer falls too far behind (its buffer overflows, or `backedUp` says its
   * connection is) it calls `onFellBehind` and ends; without that callback a buffer overflow
   * throws SlowSubscriberError.
   */
  subscribe<K extends keyof TTopics & string>(
    topic: K,
    scope: string,
    options: {
      lastEventId?: string | null | undefined;
      signal?: AbortSignal | undefined;
      backedUp?: () => boolean;
      onFellBehind?: () => void;
      /** Writes live events straight to the consumer's connection (see DirectDelivery). */
      direct?: DirectDelivery<TrackedEnvelope<BusMessage<unknown>>>;
    } = {},
  ): AsyncGenerator<TrackedEnvelope<BusMessage<z.output<TTopics[K]>>>, void, unknown> {
    type Message = BusMessage<z.output<TTopics[K]>>;
    const key = `${topic}\u0000${scope}`;
    let set: Set<Subscriber> | undefined;
    const onAbort = () => subscriber.close();
    const subscriber: Subscriber = new Subscription({
      limit: this.options.subscriberBufferLimit ?? 5000,
      backedUp: options.backedUp,
      onFellBehind: options.onFellBehind,
      direct: options.direct,
      countFellBehind: () => this.stats.slowSubscribersEnded++,
      countSentDirect: () => this.stats.sentDirect++,
      begin: () => {
        if (!this.options.topics[topic]) throw new UnknownTopicError(topic);
        let cursor: EventPosition | null = null;
        if (options.lastEventId) {
          cursor = parseEventId(options.lastEventId);
          if (!cursor) throw new RangeError(`malformed lastEventId "${options.lastEventId}"`);
        }
        // Register before reading the outbox: events delivered from now on wait in the
        // subscriber's buffer, and the catch-up reads exactly up to the frontier delivered before.
        const frontier = this.cursor;
        set = this.subscribers.get(key) ?? new Set();
        this.subscribers.set(key, set);
        set.add(subscriber);
        options.signal?.addEventListener("abort", onAbort);
        if (options.signal?.aborted) subscriber.close();
        return { cursor, catchUp: cursor ? this.replay(topic, scope, cursor, frontier) : null };
      },
      end: () => {
        options.signal?.removeEventListener("abort", onAbort);
        set?.delete(subscriber);
        if (set?.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
      },
    });
    // Payloads were parsed by the topic's schema when published.
    return subscriber as Subscription<TrackedEnvelope<Message>>;
  }

  /** What a subscriber resuming after `from` missed, up to the frontier it registered at. */
  private async *replay(
    topic: string,
    scope: string,
    from: EventPosition,
    frontier: EventPosition,
  ): AsyncGenerator<Delivery, void> {
    let cursor = from;
    // Pruned: what it missed is gone. Ahead (a restored or reset database): its position means
    // nothing here, and skipping every live event up to it would look like silence. Either way
    // the client refetches and continues from the frontier (the subscription's floor moves there).
    if ((await resumeState(this.pool, cursor)) !== "retained") {
      yield { position: frontier, envelope: tracked(formatEventId(frontier), { type: "resync" }) };
      cursor = frontier;
    }
    const pageSize = this.options.batchSize ?? 500;
    while (comparePositions(cursor, frontier) < 0) {
      const rows = await readScope(this.pool, topic, scope, cursor, frontier, pageSize);
      for (const row of rows) {
        yield { position: row.position, envelope: envelopeOf(row) };
        cursor = row.position;
      }
      if (rows.length < pageSize) break;
    }
  }

  /**
   * Sends an ephemeral signal (signals.ts): validated by its topic's schema (UnknownTopicError,
   * ZodError), delivered at once to this instance's subscribers of (topic, scope), and sent to
   * the other instances as payload NOTIFYs (one, or numbered parts for a large signal; above
   * MAX_SIGNAL_BYTES it throws SignalTooLargeError). No row is written. Best-effort: a failed
   * NOTIFY is logged, never thrown, so a request never fails for a lost "typing".
   */
  async sendSignal<K extends keyof TSignals & string>(
    topic: K,
    scope: string,
    payload: z.input<TSignals[K]>,
    options: { from?: string } = {},
  ): Promise<void> {
    const schema = this.options.signalTopics?.[topic];
    if (!schema) throw new UnknownTopicError(topic);
    const message: SignalMessage<unknown> = {
      topic,
      scope,
      payload: schema.parse(payload),
      ...(options.from === undefined ? {} : { from: options.from }),
      at: new Date().toISOString(),
    };
    const notices = signalNotices(this.instanceId, message);
    this.stats.signalsSent++;
    this.deliverSignal(message);
    if (this.stopped) return;
    try {
      // One statement outside any transaction: its parts go out in order, at once.
      await this.pool.query(
        "SELECT pg_notify($1, notice) FROM unnest($2::text[]) WITH ORDINALITY AS n(notice, i) ORDER BY i",
        [this.signalChannel, notices],
      );
    } catch (error) {
      this.log.warn({ err: error, topic }, "could not send a signal to other instances; it reached this one only");
    }
  }

  /**
   * The signals of one topic and scope, live from now on: untracked (no ids, no replay), ended
   * by `signal` or bus.stop(). A subscriber that falls behind loses its oldest signals.
   */
  signals<K extends keyof TSignals & string>(
    topic: K,
    scope: string,
    options: { signal?: AbortSignal | undefined } = {},
  ): AsyncIterableIterator<SignalMessage<z.output<TSignals[K]>>> {
    if (!this.options.signalTopics?.[topic]) throw new UnknownTopicError(topic);
    const key = `${topic}\u0000${scope}`;
    const set = this.signalFeeds.get(key) ?? new Set();
    this.signalFeeds.set(key, set);
    const onAbort = () => feed.close();
    const feed = new SignalFeed<unknown>(
      this.options.signalBufferLimit ?? 256,
      () => this.stats.signalsDropped++,
      () => {
        options.signal?.removeEventListener("abort", onAbort);
        set.delete(feed);
        if (set.size === 0 && this.signalFeeds.get(key) === set) this.signalFeeds.delete(key);
      },
    );
    set.add(feed);
    options.signal?.addEventListener("abort", onAbort);
    if (options.signal?.aborted || this.stopped) feed.close();
    // Payloads were parsed by the topic's schema when sent.
    return feed as SignalFeed<z.output<TSignals[K]>>;
  }

  private deliverSignal(message: SignalMessage<unknown>): void {
    const set = this.signalFeeds.get(`${message.topic}\u0000${message.scope}`);
    if (!set) return;
    for (const feed of set) feed.push(message);
    this.stats.signalsDelivered += set.size;
  }

  /** A signal NOTIFY from another instance (own ones are ignored: they were delivered at once). */
  private onSignalNotice(payload: string): void {
    const message = this.reassembly.accept(payload);
    if (message) this.deliverSignal(message);
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
          const { rows, withheld } = await readDeliverable(this.pool, this.cursor, batchSize);
          const last = rows.at(-1);
          if (last) {
            this.cursor = last.position;
            this.dispatch(rows);
            if (this.handOut.waiting > MAX_WAITING_DELIVERIES) await this.handOut.drained();
          }
          if (rows.length === batchSize) continue;
          if (withheld) {
            this.noteHeldBack();
            this.retryWithheld();
          } else {
            this.withheldSince = null;
            this.withheldDelayMs = 2;
          }
          break;
        }
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

  /**
   * Rows have been withheld at every read for heldBackWarnMs: find the transaction holding the
   * horizon and name it, once. A steady stream of short transactions can keep some row withheld
   * at every read too; the holder's own age tells the two apart (only one open that long is named).
   */
  private noteHeldBack(): void {
    const now = Date.now();
    this.withheldSince ??= now;
    const thresholdMs = this.options.heldBackWarnMs ?? 2000;
    if (now - this.withheldSince < thresholdMs || now < this.nextHolderCheck) return;
    this.nextHolderCheck = now + Math.max(thresholdMs / 2, 100);
    const heldMs = now - this.withheldSince;
    void oldestRunningWriter(this.pool)
      .then((holder) => {
        if (!holder || (holder.transactionMs ?? 0) < thresholdMs) return;
        const key = `${holder.pid}:${holder.xid}`;
        if (key === this.namedHolder) return;
        this.namedHolder = key;
        this.log.warn(
          { pid: holder.pid, applicationName: holder.applicationName, transactionMs: holder.transactionMs, heldMs },
          "live events are held back by a long-running transaction; they are delivered when it ends",
        );
      })
      .catch((error) => {
        if (!this.stopped) this.log.warn({ err: error }, "could not name the transaction holding live events back");
      });
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
   * Hands a batch of rows (already behind the cursor) to their subscribers, through the
   * hand-out queue: the pump is free to read the next batch at once, and a subscriber still
   * waiting for its turn when that batch comes gets both in one go (one write on its socket).
   */
  private dispatch(rows: OutboxRow[]): void {
    // Audiences are taken now, in the turn that moved the cursor past these rows: whoever
    // subscribes from here on starts at the cursor (or catches up to it from the outbox).
    const byKey = new Map<string, { deliveries: Delivery[]; audience: Set<Subscriber> | undefined }>();
    for (const row of rows) {
      const key = `${row.topic}\u0000${row.scope}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = { deliveries: [], audience: this.subscribers.get(key) };
        byKey.set(key, entry);
      }
      if (entry.audience?.size) entry.deliveries.push({ position: row.position, envelope: envelopeOf(row) });
    }
    for (const { deliveries, audience } of byKey.values()) {
      if (!audience?.size) continue;
      for (const subscriber of audience) this.handOut.add(subscriber, deliveries);
      this.stats.delivered += audience.size * deliveries.length;
    }
  }

  /** Local commits: other instances are being notified. */
  private onLocalCommit(): void {
    this.stats.notifies++;
    this.wake();
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
