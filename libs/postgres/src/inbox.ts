import type { Queryable } from './pool';

/**
 * Records `eventIds` as processed by `consumer` and returns the ones that were new. Call inside the transaction that
 * applies them: a redelivered event is then skipped, and a rolled-back one is not marked.
 */
export async function claimNewEvents(db: Queryable, consumer: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await db.query<{ event_id: string }>(
    `INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::text[])
     ON CONFLICT ON CONSTRAINT inbox_pkey DO NOTHING RETURNING event_id`,
    [consumer, eventIds],
  );
  return new Set(rows.map((r) => r.event_id));
}
