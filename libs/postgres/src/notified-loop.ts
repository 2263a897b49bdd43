import pg from 'pg';

export type LoopLogger = {
  error: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
  info: (o: object, m: string) => void;
};

export type NotifiedLoopOptions = {
  databaseUrl: string;
  /** LISTEN channel that wakes the loop (e.g. a trigger's pg_notify at commit). */
  channel: string;
  /** Does one unit of work; resolves true when there may be more right away. */
  work: () => Promise<boolean>;
  logger: LoopLogger;
  name: string;
  /** Safety net in case a notification is missed (e.g. while reconnecting). */
  pollIntervalMs?: number;
  /** Longest wait between attempts to re-establish the LISTEN connection. */
  maxReconnectDelayMs?: number;
  /** Sees each notification's payload before the loop wakes (for work that is carried by the payload). */
  onNotification?: (payload: string) => void;
  /** After the LISTEN connection came back: notifications sent meanwhile were lost. */
  onReconnected?: () => void;
};

/**
 * Runs `work` until it reports nothing left, then sleeps until a notification on `channel` (or the poll interval)
 * wakes it. Errors back off exponentially and retry; `stop` lets the current unit finish. The LISTEN connection is
 * re-established with backoff whenever it breaks (e.g. the database restarted), so latency returns to a notification's
 * rather than staying at the poll interval.
 */
export class NotifiedLoop {
  private listener: pg.Client | null = null;
  private running = false;
  private pending = true;
  private wakeup: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectAttempts = 0;

  constructor(private readonly opts: NotifiedLoopOptions) {}

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.timer = setInterval(() => this.poke(), this.opts.pollIntervalMs ?? 1_000);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.poke();
    await this.loop;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Wakes the loop now (e.g. after this process itself queued work). */
  poke(): void {
    this.pending = true;
    this.wakeup?.();
  }

  /** Whether the LISTEN connection is up (for readiness and tests). */
  get listening(): boolean {
    return this.listener !== null;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.databaseUrl });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.running) {
        this.opts.logger.warn({ err: error, loop: this.opts.name }, 'listener connection lost; reconnecting');
        this.scheduleReconnect();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      this.opts.onNotification?.(message.payload ?? '');
      this.poke();
    });
    await client.connect();
    await client.query(`LISTEN "${this.opts.channel.replaceAll('"', '""')}"`);
    this.listener = client;
  }

  private scheduleReconnect(): void {
    const delay = Math.min(100 * 2 ** this.reconnectAttempts, this.opts.maxReconnectDelayMs ?? 5_000);
    this.reconnectAttempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.running) return;
      this.listen().then(
        () => {
          this.opts.logger.info({ loop: this.opts.name, attempts: this.reconnectAttempts }, 'listener reconnected');
          this.reconnectAttempts = 0;
          // Notifications sent while we were away are lost: look for work now.
          this.opts.onReconnected?.();
          this.poke();
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!this.pending) await new Promise<void>((resolve) => (this.wakeup = resolve));
      this.wakeup = null;
      this.pending = false;
      try {
        while (this.running && (await this.opts.work()));
        failures = 0;
      } catch (error) {
        failures++;
        this.opts.logger.error({ err: error, failures, loop: this.opts.name }, 'background loop failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5_000)));
        this.pending = true;
      }
    }
  }
}
