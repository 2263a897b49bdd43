import type { GroupRecomputed } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { loadActivities } from '../db/activities';
import { lockGroups, saveGroups, type GroupWrite } from '../db/groups';
import { foldGroupInputs, isStaleInput } from '../domain/coalesce';
import { engagementWindowStart } from '../domain/engagement';
import { groupEngagementAt, settleEngagement } from '../domain/group-engagement-at';
import { buildSnapshot } from '../domain/group-snapshot';
import { versionMessages } from './emit';
import type { ScoringSettings } from './settings';

/**
 * Memberships from role-assignment → the next public version of each group. A chunk's inputs for one group are folded
 * into one version; an input older than the stored membership is ignored; nothing is published when nothing changed.
 */
export async function applyGroupInputs(
  db: Queryable,
  inputs: readonly GroupRecomputed[],
  settings: ScoringSettings,
  now: Date,
): Promise<OutboxMessage[]> {
  if (inputs.length === 0) return [];
  const stored = await lockGroups(db, inputs);
  const folded = foldGroupInputs(
    inputs.filter((input) => !isStaleInput(input, stored.get(input.buyingGroupId)?.membershipVersion ?? null)),
  );
  const members = folded.flatMap((input) => input.members.map((m) => ({ accountId: input.accountId, personId: m.personId })));
  const activities = await loadActivities(db, members, engagementWindowStart(now, settings.engagement));

  const writes: GroupWrite[] = [];
  const outbox: OutboxMessage[] = [];
  for (const input of folded) {
    const group = stored.get(input.buyingGroupId);
    const previous = group?.snapshot ?? null;
    const fresh = groupEngagementAt(input, activities.get(input.accountId) ?? new Map(), now, settings.engagement);
    const result = buildSnapshot(input, settleEngagement(fresh, previous, settings.step), previous, now);
    writes.push({
      input,
      snapshot: result.changed ? result.snapshot : previous,
      expectedVersion: previous?.version ?? 0,
      isNew: group === undefined,
    });
    if (result.changed) outbox.push(...versionMessages(result, input.slots));
  }
  await saveGroups(db, writes);
  return outbox;
}
