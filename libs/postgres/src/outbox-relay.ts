import type { Pool } from './pool';
import type { OutboxMessage } from './outbox';
import { NotifiedLoop, type LoopLogger } from './notified-loop';

export type OutboxRelayOptions = {
  pool: Pool;
  databaseUrl: string;
  schema: string;
  /** Sends one ordered batch; resolves when the broker has acknowledged it. */
  send: (messages: OutboxMessage[]) => Promise<void>;
  logger: LoopLogger;
  batchSize?: number;
};

/**
 * Publishes outbox rows in id order and deletes them once the broker has them. One relay drains a schema at a time
 * (transaction-scoped advisory lock), which keeps per-key order across replicas; rows stay locked while being sent, so a
 * crash rolls back and the rows are sent again (consumers drop duplicates by CloudEvent id). Woken by the outbox
 * trigger's NOTIFY at commit.
 */
export class OutboxRelay {
  private readonly loop: NotifiedLoop;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.loop = new NotifiedLoop({
      databaseUrl: opts.databaseUrl,
      channel: `${opts.schema}_outbox`,
      logger: opts.logger,
      name: 'outbox-relay',
      work: async () => (await this.drainOnce()) > 0,
    });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
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
        await this.opts.send(rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.value, headers: r.headers })));
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
