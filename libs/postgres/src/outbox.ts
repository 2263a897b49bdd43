import type { Queryable } from './pool';

export type OutboxMessage = { topic: string; key: string; value: string; headers?: Record<string, string> };

/** Queues messages for the relay, in the caller's transaction (one multi-row insert). */
export async function enqueue(db: Queryable, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.query(
    // clock_timestamp, not the transaction's start: the outbox wait is measured from here (just before commit).
    `INSERT INTO outbox (topic, message_key, value, headers, created_at)
     SELECT *, clock_timestamp() FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.value),
      messages.map((m) => JSON.stringify(m.headers ?? {})),
    ],
  );
}
