import type { Cause, CrmEvent, EventType } from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import type { UnitResult } from '@bg/service-kit';
import { applyAccountEvents, type AccountEvent } from './account-events';
import { applyActivities, applyOpportunities } from './activity-events';
import { applyPersonEvents, type PersonEvent } from './person-events';

export const ingestionConsumer = 'ingestion';

/** Every inbound CRM type (CONTRACT.md §2): anything else on those topics is dead-lettered as unknown. */
export const crmEventTypes = [
  'account.upserted',
  'account.deleted',
  'person.upserted',
  'person.deleted',
  'activity.recorded',
  'opportunity.upserted',
] as const satisfies readonly EventType[];

/**
 * A chunk of CRM events → canonical records, in bulk → record changes for the outbox. Idempotent by the data itself:
 * an upsert not newer than the stored record (by `updatedAt`) changes nothing, and an activity counts once per
 * (source, activity id), so a redelivered event has no further effect.
 */
export async function applyCrmEvents(tx: PoolClient, events: IncomingEvent[]): Promise<UnitResult> {
  const persons: PersonEvent[] = [];
  const accounts: AccountEvent[] = [];
  const activities: Parameters<typeof applyActivities>[1] = [];
  const opportunities: Parameters<typeof applyOpportunities>[1] = [];
  for (const incoming of events) {
    const event = { type: incoming.event.type, data: incoming.event.data } as CrmEvent;
    // Source and id together identify the event: two CRMs may use the same ids.
    const cause: Cause = { eventId: incoming.event.id, eventType: event.type, source: incoming.event.source };
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
  return {
    outbox: [
      ...(accounts.length > 0 ? await applyAccountEvents(tx, accounts) : []),
      ...(persons.length > 0 ? await applyPersonEvents(tx, persons) : []),
      ...(activities.length > 0 ? await applyActivities(tx, activities) : []),
      ...(opportunities.length > 0 ? await applyOpportunities(tx, opportunities) : []),
    ],
  };
}
