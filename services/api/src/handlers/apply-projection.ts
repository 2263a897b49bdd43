import {
  buyingGroupChangedType,
  internalEventTypes,
  type AccountChanged,
  type BuyingGroupChanged,
  type EventType,
  type PersonChanged,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import { latestPerGroup } from '../domain/group-summary';
import {
  applyAccountChange,
  applyPersonChange,
  insertHistory,
  replaceMemberIndex,
  saveLatestSnapshot,
} from '../db/projection';

export const projectionConsumer = 'api-projections';

/** What the projection reads: the public group versions, and accounts and persons from the record changes. */
export const projectionConsumes = [
  buyingGroupChangedType,
  internalEventTypes.accountChanged,
  internalEventTypes.personChanged,
] as const satisfies readonly EventType[];

/**
 * One chunk → projection, idempotent by the data: group snapshots apply only when newer than the stored version and
 * every version lands in history once; record changes apply only when newer than the last change of that record.
 */
export async function applyProjectionEvents(tx: PoolClient, events: readonly IncomingEvent[]): Promise<void> {
  const snapshots = events
    .filter((e) => e.event.type === buyingGroupChangedType)
    .map((e) => e.event.data as BuyingGroupChanged);
  await insertHistory(tx, snapshots);
  for (const snapshot of latestPerGroup(snapshots)) {
    if (await saveLatestSnapshot(tx, snapshot)) await replaceMemberIndex(tx, snapshot);
  }
  for (const { event } of events) {
    if (event.type === internalEventTypes.accountChanged) await applyAccountChange(tx, event.data as AccountChanged);
    else if (event.type === internalEventTypes.personChanged) await applyPersonChange(tx, event.data as PersonChanged);
  }
}
