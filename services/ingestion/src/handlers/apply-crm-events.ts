import type { CrmEvent } from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, enqueue, withTransaction, type OutboxMessage, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { applyAccountDeleted, applyAccountUpserted } from './account-events';
import { applyActivityRecorded, applyOpportunityUpserted } from './activity-events';
import { applyPersonDeleted, applyPersonUpserted } from './person-events';

export const ingestionConsumer = 'ingestion';

/**
 * One transaction per chunk: inbox (drop redelivered ids) → records → outbox. Commit happens before the offsets are
 * committed, so a crash in between redelivers events the inbox then ignores.
 */
export async function applyCrmEvents(pool: Pool, logger: Logger, events: IncomingEvent[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const fresh = await claimNewEvents(tx, ingestionConsumer, [...new Set(events.map((e) => e.event.id))]);
    const outbox: OutboxMessage[] = [];
    for (const incoming of events) {
      // A duplicate id inside one chunk is applied once: the first occurrence takes the claim.
      if (!fresh.delete(incoming.event.id)) {
        logger.debug({ eventId: incoming.event.id, offset: incoming.offset }, 'duplicate event ignored');
        continue;
      }
      const event = { type: incoming.event.type, data: incoming.event.data } as CrmEvent;
      const produced = await apply(tx, event, { eventId: incoming.event.id, eventType: event.type });
      if (produced.length === 0) logger.debug({ eventId: incoming.event.id, type: event.type }, 'stale or no-op event');
      outbox.push(...produced);
    }
    await enqueue(tx, outbox);
  });
}

function apply(db: Queryable, event: CrmEvent, cause: { eventId: string; eventType: string }): Promise<OutboxMessage[]> {
  switch (event.type) {
    case 'account.upserted':
      return applyAccountUpserted(db, event.data, cause);
    case 'account.deleted':
      return applyAccountDeleted(db, event.data, cause);
    case 'person.upserted':
      return applyPersonUpserted(db, event.data, cause);
    case 'person.deleted':
      return applyPersonDeleted(db, event.data, cause);
    case 'activity.recorded':
      return applyActivityRecorded(db, event.data, cause);
    case 'opportunity.upserted':
      return applyOpportunityUpserted(db, event.data, cause);
  }
}
