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
import { historyItemOf } from '../domain/group-history';
import { groupVersionsChannel, noticePayloads } from '../domain/group-versions-notice';
import { splitSnapshot } from '../domain/group-rows';
import { latestPerGroup } from '../domain/group-summary';
import { accountWrites, newestPerLink, personWrites } from '../domain/record-changes';
import { insertHistory, notifyGroupVersions, saveGroupRows, saveMemberRows } from '../db/projection';
import { advanceLinkTimes, writeAccounts, writeLinks, writePersons } from '../db/record-changes';

export const projectionConsumer = 'api-projections';

/** What the projection reads: the public group versions, and accounts and persons from the record changes. */
export const projectionConsumes = [
  buyingGroupChangedType,
  internalEventTypes.accountChanged,
  internalEventTypes.personChanged,
] as const satisfies readonly EventType[];

/**
 * One chunk → projection in a fixed number of statements, idempotent by the data: every version's changes land in
 * history once; a group's row and the member rows that differ follow its newest version when it is newer than the one
 * stored; record changes apply only when newer than the last change of that record (or link). The groups that
 * advanced are announced to live views (delivered when this transaction commits).
 */
export async function applyProjectionEvents(tx: PoolClient, events: readonly IncomingEvent[]): Promise<void> {
  const ofType = <T>(type: EventType) => events.filter((e) => e.event.type === type).map((e) => e.event.data as T);
  const snapshots = ofType<BuyingGroupChanged>(buyingGroupChangedType);
  await insertHistory(
    tx,
    snapshots.map((s) => ({ accountId: s.accountId, buyingGroupId: s.buyingGroupId, item: historyItemOf(s) })),
  );
  const latest = latestPerGroup(snapshots).map(splitSnapshot);
  const advanced = await saveGroupRows(
    tx,
    latest.map(({ group }) => group),
  );
  const changed = latest.filter(({ group }) => advanced.has(group.buyingGroupId));
  await saveMemberRows(
    tx,
    changed.map(({ group, members }) => ({ ...group, members })),
  );
  await notifyGroupVersions(
    tx,
    groupVersionsChannel,
    noticePayloads([...advanced].map(([buyingGroupId, previousVersion]) => ({ buyingGroupId, previousVersion }))),
  );

  await writeAccounts(tx, accountWrites(ofType<AccountChanged>(internalEventTypes.accountChanged)));
  const personChanges = ofType<PersonChanged>(internalEventTypes.personChanged);
  const moved = await advanceLinkTimes(tx, newestPerLink(personChanges));
  const writes = personWrites(personChanges, moved);
  await writeLinks(tx, writes.unlinked, writes.linked);
  await writePersons(tx, writes.persons);
}
