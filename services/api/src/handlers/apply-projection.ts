import {
  buyingGroupChangedType,
  internalEventTypes,
  type AccountChanged,
  type BuyingGroupChanged,
  type EventType,
  type OpportunityChanged,
  type PersonChanged,
  type PersonEngagementChanged,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import type { PoolClient } from '@bg/postgres';
import type { UnitResult } from '@bg/service-kit';
import { historyItemOf } from '../domain/group-history';
import { groupVersionsChannel, noticePayloads } from '../domain/group-versions-notice';
import { splitSnapshot } from '../domain/group-rows';
import { latestPerGroup } from '../domain/group-summary';
import { accountWrites, newestPerLink, personWrites } from '../domain/record-changes';
import { areWonDealContacts, saveOpportunities } from '../db/opportunities';
import { insertHistory, notifyGroupVersions, saveGroupRows, saveMemberRows } from '../db/projection';
import { advanceLinkTimes, writeAccounts, writeLinks, writePersons } from '../db/record-changes';
import { savePersonEngagement } from '../db/engagement';

export const projectionConsumer = 'api-projections';

/**
 * What the projection reads: the public group versions; accounts, persons and opportunities (what the role model
 * learns from) from the record changes; and the engagement scores conditions read (the preview judges by the same
 * scores as role-assignment).
 */
export const projectionConsumes = [
  buyingGroupChangedType,
  internalEventTypes.accountChanged,
  internalEventTypes.personChanged,
  internalEventTypes.opportunityChanged,
  internalEventTypes.personEngagementChanged,
] as const satisfies readonly EventType[];

/**
 * One chunk → projection in a fixed number of statements, idempotent by the data: every version's changes land in
 * history once; a group's row and the member rows that differ follow its newest version when it is newer than the one
 * stored; record changes apply only when newer than the last change of that record (or link). The groups that
 * advanced are announced to live views (delivered when this transaction commits).
 */
export async function applyProjectionEvents(
  tx: PoolClient,
  events: readonly IncomingEvent[],
  onTrainingDataChanged: () => void = () => {},
): Promise<UnitResult> {
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
  await savePersonEngagement(tx, ofType<PersonEngagementChanged>(internalEventTypes.personEngagementChanged));

  const opportunities = ofType<OpportunityChanged>(internalEventTypes.opportunityChanged).map((o) => o.opportunity);
  // The model learns from won deals and the fields of their contacts: when either changes (a contact may also arrive
  // after their deal), it is retrained a quiet moment later (debounced), from what is committed by then.
  const trainingDataChanged =
    (await saveOpportunities(tx, opportunities)) > 0 ||
    (await areWonDealContacts(
      tx,
      [...writes.persons.upserts, ...writes.persons.deletions].map((p) => p.id),
    ));
  return trainingDataChanged ? { afterCommit: onTrainingDataChanged } : {};
}
