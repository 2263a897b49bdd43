import {
  accountChangedSchema,
  buyingGroupChangedSchema,
  buyingGroupChangedType,
  internalEventTypes,
  personChangedSchema,
  Topics,
  type AccountChanged,
  type BuyingGroupChanged,
  type PersonChanged,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { claimNewEvents, withTransaction, type Pool } from '@bg/postgres';
import { z } from 'zod';
import { latestPerGroup } from '../domain/group-summary';
import {
  applyAccountChange,
  applyPersonChange,
  insertHistory,
  replaceMemberIndex,
  saveLatestSnapshot,
} from '../db/projection';

export const projectionConsumer = 'api-projections';

const ignored = z.unknown();

/**
 * What the projection reads, by topic and type. Record-change types the API has no use for are accepted and skipped
 * (not dead-lettered: they are valid, just not ours).
 */
export const projectionTopics = {
  [Topics.buyingGroupChanges]: { [buyingGroupChangedType]: buyingGroupChangedSchema },
  [Topics.recordChanges]: {
    [internalEventTypes.accountChanged]: accountChangedSchema,
    [internalEventTypes.personChanged]: personChangedSchema,
    [internalEventTypes.activityAccepted]: ignored,
    [internalEventTypes.opportunityChanged]: ignored,
  },
};

/**
 * One transaction per chunk: inbox (drop redelivered ids) → projection. Group snapshots apply only when newer than
 * the stored version; every version lands in history. Record changes apply in partition (account) order.
 */
export async function applyProjectionEvents(pool: Pool, events: readonly IncomingEvent[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const fresh = await claimNewEvents(tx, projectionConsumer, [...new Set(events.map((e) => e.event.id))]);
    // A duplicate id inside one chunk is applied once: the first occurrence takes the claim.
    const accepted = events.filter((e) => fresh.delete(e.event.id));
    const snapshots = accepted
      .filter((e) => e.event.type === buyingGroupChangedType)
      .map((e) => e.event.data as BuyingGroupChanged);
    await insertHistory(tx, snapshots);
    for (const snapshot of latestPerGroup(snapshots)) {
      if (await saveLatestSnapshot(tx, snapshot)) await replaceMemberIndex(tx, snapshot);
    }
    for (const { event } of accepted) {
      if (event.type === internalEventTypes.accountChanged) await applyAccountChange(tx, event.data as AccountChanged);
      else if (event.type === internalEventTypes.personChanged)
        await applyPersonChange(tx, event.data as PersonChanged);
    }
  });
}
