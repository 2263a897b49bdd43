import pg from 'pg';

export type LoopLogger = { error: (o: object, m: string) => void };

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
};

/**
 * Runs `work` until it reports nothing left, then sleeps until a notification on `channel` (or the poll interval)
 * wakes it. Errors back off exponentially and retry; `stop` lets the current unit finish.
 */
export class NotifiedLoop {
  private listener: pg.Client | null = null;
  private running = false;
  private pending = true;
  private wakeup: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: NotifiedLoopOptions) {}

  async start(): Promise<void> {
    this.running = true;
    this.listener = new pg.Client({ connectionString: this.opts.databaseUrl });
    this.listener.on('error', (error) => this.opts.logger.error({ err: error, loop: this.opts.name }, 'listener connection error'));
    await this.listener.connect();
    this.listener.on('notification', () => this.poke());
    await this.listener.query(`LISTEN "${this.opts.channel.replaceAll('"', '""')}"`);
    this.timer = setInterval(() => this.poke(), this.opts.pollIntervalMs ?? 1_000);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.poke();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** Wakes the loop now (e.g. after this process itself queued work). */
  poke(): void {
    this.pending = true;
    this.wakeup?.();
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
