import type { Cause, CrmEvent } from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, enqueue, withTransaction, type Pool } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { applyAccountEvents, type AccountEvent } from './account-events';
import { applyActivities, applyOpportunities } from './activity-events';
import { applyPersonEvents, type PersonEvent } from './person-events';

export const ingestionConsumer = 'ingestion';

/**
 * One transaction per chunk: inbox (drop redelivered ids) → records, in bulk → outbox. Commit happens before the
 * offsets are committed, so a crash in between redelivers events the inbox then ignores.
 */
export async function applyCrmEvents(pool: Pool, logger: Logger, events: IncomingEvent[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const fresh = await claimNewEvents(tx, ingestionConsumer, [...new Set(events.map((e) => e.event.id))]);
    const persons: PersonEvent[] = [];
    const accounts: AccountEvent[] = [];
    const activities: Parameters<typeof applyActivities>[1] = [];
    const opportunities: Parameters<typeof applyOpportunities>[1] = [];
    for (const incoming of events) {
      // A duplicate id (redelivered, or twice in this chunk) is applied once: the first occurrence takes the claim.
      if (!fresh.delete(incoming.event.id)) {
        logger.debug({ eventId: incoming.event.id, offset: incoming.offset }, 'duplicate event ignored');
        continue;
      }
      const event = { type: incoming.event.type, data: incoming.event.data } as CrmEvent;
      const cause: Cause = { eventId: incoming.event.id, eventType: event.type };
      switch (event.type) {
        case 'person.upserted':
          persons.push({ kind: 'upsert', person: event.data, cause });
          break;
        case 'person.deleted':
          persons.push({ kind: 'delete', deleted: event.data, cause });
          break;
        case 'account.upserted':
          accounts.push({ kind: 'upsert', account: event.data, cause });
          break;
        case 'account.deleted':
          accounts.push({ kind: 'delete', deleted: event.data, cause });
          break;
        case 'activity.recorded':
          activities.push({ activity: event.data, cause });
          break;
        case 'opportunity.upserted':
          opportunities.push({ opportunity: event.data, cause });
          break;
      }
    }
    const outbox = [
      ...(accounts.length > 0 ? await applyAccountEvents(tx, accounts) : []),
      ...(persons.length > 0 ? await applyPersonEvents(tx, persons) : []),
      ...(activities.length > 0 ? await applyActivities(tx, activities) : []),
      ...(opportunities.length > 0 ? await applyOpportunities(tx, opportunities) : []),
    ];
    await enqueue(tx, outbox);
  });
}
