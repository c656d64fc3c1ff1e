import pg from "pg";

export type Unlisten = () => Promise<void>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_RETRY_MS = 5_000;

/**
 * LISTEN on one connection of its own, for the channels asked for. A lost connection is made again,
 * with backoff; notifications sent meanwhile are lost, so whoever relies on them also polls.
 */
export class PgListener {
  private client: pg.Client | undefined;
  /** The connection being made, so that two callers never make two. */
  private connecting: Promise<void> | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;
  private retryMs = 100;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  async listen(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
    const handlers = this.handlers.get(channel) ?? new Set();
    const first = handlers.size === 0;
    handlers.add(handler);
    this.handlers.set(channel, handlers);
    // Until the server answers, the pollers do without; the connection is tried again with backoff.
    if (!this.client && !this.retry) await this.connectOnce().catch(() => this.reconnectLater());
    else if (this.client && first) await this.client.query(`listen ${channel}`).catch(() => {});
    return async () => {
      handlers.delete(handler);
      if (handlers.size > 0) return;
      this.handlers.delete(channel);
      await this.client?.query(`unlisten ${channel}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private connectOnce(): Promise<void> {
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    let ready = false;
    client.on("notification", (message) => {
      for (const handler of this.handlers.get(message.channel) ?? [])
        handler(message.payload ?? "");
    });
    const lost = () => {
      if (!ready || this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => {});
      this.reconnectLater();
    };
    client.on("error", lost);
    client.on("end", lost);
    this.client = client;
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`listen ${channel}`);
    } catch (error) {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      throw error;
    }
    ready = true;
    this.retryMs = 100;
  }

  /** One timer at a time; the channels asked for meanwhile are listened to when it connects. */
  private reconnectLater(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connectOnce().catch(() => {
        this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
        this.reconnectLater();
      });
    }, this.retryMs).unref();
  }
}
