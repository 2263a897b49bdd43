import type { ActivityAccepted } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { insertActivities, loadActivities } from '../db/activities';
import { lockActiveGroupsOf, saveGroups, type GroupWrite } from '../db/groups';
import { coalesce, withCause } from '../domain/coalesce';
import { engagementWindowStart } from '../domain/engagement';
import { groupEngagementAt } from '../domain/group-engagement-at';
import { buildSnapshot } from '../domain/group-snapshot';
import { versionMessages } from './emit';
import type { ScoringSettings } from './settings';

/**
 * Stores the chunk's new activities, then scores each active group one of their persons belongs to once: a burst of
 * activities gives at most one version per group, caused by the last of them. A group is published only when its
 * engagement score moved (a member-level move alone is not a version).
 */
export async function applyActivities(
  db: Queryable,
  accepted: readonly ActivityAccepted[],
  settings: ScoringSettings,
  now: Date,
): Promise<OutboxMessage[]> {
  if (accepted.length === 0) return [];
  const stored = new Set(await insertActivities(db, distinctActivities(accepted).map((a) => a.activity)));
  const fresh = accepted.filter((a) => stored.delete(a.activity));
  if (fresh.length === 0) return [];

  const groups = await lockActiveGroupsOf(db, fresh.map((a) => a.activity));
  const members = groups.flatMap((g) => g.input.members.map((m) => ({ accountId: g.accountId, personId: m.personId })));
  const activities = await loadActivities(db, members, engagementWindowStart(now, settings.engagement));

  const writes: GroupWrite[] = [];
  const outbox: OutboxMessage[] = [];
  for (const group of groups) {
    const previous = group.snapshot;
    const memberIds = new Set(group.input.members.map((m) => m.personId));
    const causes = fresh.filter((a) => a.activity.accountId === group.accountId && memberIds.has(a.activity.personId));
    const last = causes[causes.length - 1];
    if (!previous || !last) continue;
    const input = withCause(group.input, coalesce(causes.slice(0, -1), last));
    const engagement = groupEngagementAt(input, activities.get(group.accountId) ?? new Map(), now, settings.engagement);
    const result = buildSnapshot(input, engagement, previous, now);
    if (!result.changed) continue;
    writes.push({ input: group.input, snapshot: result.snapshot, expectedVersion: previous.version, isNew: false });
    outbox.push(...versionMessages(result, input.slots));
  }
  await saveGroups(db, writes);
  return outbox;
}

/** The first copy of each (account, person, activity id) in the chunk. */
function distinctActivities(accepted: readonly ActivityAccepted[]): ActivityAccepted[] {
  const seen = new Set<string>();
  return accepted.filter(({ activity: a }) => {
    const key = `${a.accountId}\u0000${a.personId}\u0000${a.activityId}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
