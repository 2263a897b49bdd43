import type { ActivityAccepted } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { acceptedKey, insertActivities } from '../db/activities';
import { loadGroupMembers } from '../db/group-members';
import { lockActiveGroupsOf } from '../db/groups';
import { coalesce } from '@bg/rules';
import { noMembers, withScores } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { freshScores } from './fresh-scores';
import { saveDecisions } from './save-decisions';
import type { ScoringSettings } from './settings';

/**
 * Stores the chunk's new activities (a repeated one changes nothing), scores each of their persons once at the
 * activity's account, and writes that score on the person's rows in the account's active groups (found by index).
 * A group whose engagement score moved publishes one version, caused by the last of its members' activities in the
 * chunk; a member-level move alone is not a version.
 */
export async function applyActivities(
  db: Queryable,
  accepted: readonly ActivityAccepted[],
  settings: ScoringSettings,
  now: Date,
): Promise<OutboxMessage[]> {
  if (accepted.length === 0) return [];
  const fresh = await insertActivities(db, distinctActivities(accepted));
  if (fresh.length === 0) return [];

  const groups = await lockActiveGroupsOf(
    db,
    fresh.map((a) => a.activity),
  );
  if (groups.length === 0) return [];
  const people = await loadGroupMembers(db, groups);
  const scoreOf = await freshScores(
    db,
    fresh.map((a) => a.activity),
    settings,
    now,
  );
  const decisions = groups.flatMap((group) => {
    const before = people.get(group.buyingGroupId) ?? noMembers;
    const members = new Set(before.members.map((m) => m.personId));
    const causes = fresh.filter((a) => a.activity.accountId === group.accountId && members.has(a.activity.personId));
    const last = causes.at(-1);
    if (!last || group.version === 0) return [];
    const movers = new Set(causes.map((a) => a.activity.personId));
    const after = withScores(before, (personId) =>
      movers.has(personId) ? scoreOf(group.accountId, personId) : undefined,
    );
    return [
      decideVersion({ stored: group, before, next: group, after, causes: coalesce(causes.slice(0, -1), last), now }),
    ];
  });
  return saveDecisions(db, decisions);
}

/** The first copy of each activity (account, person, source, activity id) in the chunk. */
function distinctActivities(accepted: readonly ActivityAccepted[]): ActivityAccepted[] {
  const seen = new Set<string>();
  return accepted.filter((a) => {
    const key = acceptedKey(a);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
