import pg from 'pg';
import type { Pool } from './pool';
import type { OutboxMessage } from './outbox';

export type RelayLogger = { info: (o: object, m: string) => void; error: (o: object, m: string) => void };

export type OutboxRelayOptions = {
  pool: Pool;
  databaseUrl: string;
  schema: string;
  /** Sends one ordered batch; resolves when the broker has acknowledged it. */
  send: (messages: OutboxMessage[]) => Promise<void>;
  logger: RelayLogger;
  batchSize?: number;
  /** Safety net in case a notification is missed (e.g. while reconnecting). */
  pollIntervalMs?: number;
};

/**
 * Publishes outbox rows in id order and deletes them once the broker has them. One relay drains a schema at a time
 * (transaction-scoped advisory lock), which keeps per-key order across replicas; rows stay locked while being sent, so a
 * crash rolls back and the rows are sent again (consumers drop duplicates by CloudEvent id). Woken by LISTEN/NOTIFY.
 */
export class OutboxRelay {
  private listener: pg.Client | null = null;
  private running = false;
  private wakeup: (() => void) | null = null;
  private pending = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: OutboxRelayOptions) {}

  async start(): Promise<void> {
    this.running = true;
    this.listener = new pg.Client({ connectionString: this.opts.databaseUrl });
    this.listener.on('error', (error) => this.opts.logger.error({ err: error }, 'outbox listener error'));
    await this.listener.connect();
    this.listener.on('notification', () => this.poke());
    await this.listener.query(`LISTEN "${this.opts.schema}_outbox"`);
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

  private poke(): void {
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
        while (this.running && (await this.drainOnce()) > 0);
        failures = 0;
      } catch (error) {
        failures++;
        this.opts.logger.error({ err: error, failures }, 'outbox relay failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5_000)));
        this.pending = true;
      }
    }
  }

  /** Sends one batch; returns how many rows it sent (0 when empty or another relay holds the lock). */
  private async drainOnce(): Promise<number> {
    const client = await this.opts.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
        `outbox:${this.opts.schema}`,
      ]);
      if (!lock.rows[0]?.ok) {
        await client.query('ROLLBACK');
        return 0;
      }
      const { rows } = await client.query<{
        id: string;
        topic: string;
        message_key: string;
        value: string;
        headers: Record<string, string>;
      }>('SELECT id, topic, message_key, value, headers FROM outbox ORDER BY id LIMIT $1 FOR UPDATE', [
        this.opts.batchSize ?? 500,
      ]);
      if (rows.length > 0) {
        await this.opts.send(
          rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.value, headers: r.headers })),
        );
        await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
