// The one LISTEN connection of a process. It reconnects with backoff when it drops and then
// reports a wake-up, because notifications sent while it was down are lost (PostgreSQL queues
// nothing for a disconnected listener): the outbox, re-read after every reconnect, is the truth.
import pg from "pg";
import type { BusLog } from "./bus-log.ts";

export interface ListenConnectionOptions {
  databaseUrl: string;
  channel: string;
  log: BusLog;
  onWake: () => void;
  /**
   * A second channel on the same connection, for ephemeral signals (signals.ts): its payloads
   * are data, routed here instead of waking the pump. One connection rather than a second
   * ListenConnection: a server instance holds one more idle connection for nothing otherwise,
   * and both channels share the reconnect logic. Signals sent while it reconnects are lost —
   * accepted, they are best-effort by design (there is no outbox to re-read for them).
   */
  signals?: { channel: string; onPayload: (payload: string) => void };
  /**
   * Notifications with this payload came from this process, whose pump was already woken
   * directly: answering them too would run a second pump for every local burst of commits.
   */
  ownPayload?: string;
  /** Reconnect backoff bounds. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class ListenConnection {
  private client: pg.Client | null = null;
  private stopped = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Resolves when the first LISTEN is in place. */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: ListenConnectionOptions) {
    this.backoffMs = options.minBackoffMs ?? 100;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  start(): void {
    void this.connect();
  }

  /** For tests and operators: whether LISTEN is currently in place. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** Drops the connection as if the network failed (tests use this to prove recovery). */
  simulateDrop(): void {
    this.client?.emit("error", new Error("simulated connection drop"));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, keepAlive: true });
    let failed = false;
    const onFailure = (error: unknown) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners("notification");
      void client.end().catch(() => {});
      if (this.stopped) return;
      this.options.log.warn({ err: error, retryInMs: this.backoffMs }, "event listener connection lost; reconnecting");
      this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    };
    client.on("error", onFailure);
    client.on("end", () => onFailure(new Error("connection ended")));
    client.on("notification", (message) => {
      if (this.options.signals && message.channel === this.options.signals.channel) {
        this.options.signals.onPayload(message.payload ?? "");
        return;
      }
      if (this.options.ownPayload === undefined || message.payload !== this.options.ownPayload) this.options.onWake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
      if (this.options.signals) await client.query(`LISTEN ${client.escapeIdentifier(this.options.signals.channel)}`);
    } catch (error) {
      onFailure(error);
      return;
    }
    if (failed || this.stopped) {
      void client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.backoffMs = this.options.minBackoffMs ?? 100;
    this.markReady();
    // Anything notified while we were not listening is in the outbox: read it now.
    this.options.onWake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on("error", () => {});
      await client.end().catch(() => {});
    }
  }
}
