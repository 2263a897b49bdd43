import type { GroupMembershipChanged } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { loadGroupMembers } from '../db/group-members';
import { lockGroups } from '../db/groups';
import { carryScores, joiners, noMembers, withScores } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { foldMembershipChanges } from '../domain/membership-changes';
import { freshScores } from './fresh-scores';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { saveDecisions } from './save-decisions';
import type { ScoringSettings } from './settings';

/**
 * Membership changes from role-assignment → the next public version of each group. The chunk's groups are locked in
 * key order; the changes of one group fold into one version; joiners are scored from their activities while the
 * members who stay keep their score; nothing is published when a reader would see nothing new.
 */
export async function applyMembershipChanges(
  db: Queryable,
  changes: readonly GroupMembershipChanged[],
  settings: ScoringSettings,
  now: Date,
): Promise<OutboxMessage[]> {
  if (changes.length === 0) return [];
  const byGroup = new Map<string, GroupMembershipChanged[]>();
  for (const change of changes) {
    const arrivals = byGroup.get(change.buyingGroupId) ?? [];
    byGroup.set(change.buyingGroupId, arrivals);
    arrivals.push(change);
  }
  const stored = await lockGroups(db, changes);
  // A re-sent change (not newer than the stored version) costs no more than this lock.
  const newer = [...byGroup].filter(([id, arrivals]) => {
    const reached = stored.get(id)?.membershipVersion ?? 0;
    return arrivals.some((change) => change.membershipVersion > reached);
  });
  const people = await loadGroupMembers(
    db,
    newer.flatMap(([id]) => stored.get(id) ?? []),
  );

  const folded = newer.flatMap(([id, arrivals]) => {
    const row = stored.get(id) ?? null;
    const before = people.get(id) ?? noMembers;
    const change = foldMembershipChanges(row, before, arrivals);
    return change ? [{ row, before, change }] : [];
  });
  const scopeOf = await scopesOfGroups(
    db,
    folded.map(({ change }) => change.group),
  );
  // A group whose scope changed (its solution interest now rolls up, or no longer does) re-scores every member.
  const scored = folded.map((f) => ({ ...f, sameScope: f.row?.memberScope === f.change.group.memberScope }));
  const scoreOf = await freshScores(
    db,
    scored.flatMap(({ before, change, sameScope }) =>
      (sameScope ? joiners(before, change.membership) : change.membership.members.map((m) => m.personId)).map(
        (personId) => ({ accounts: scopeOf(change.group), personId }),
      ),
    ),
    settings,
    now,
  );
  const factsOf = await loadGroupFacts(
    db,
    folded.map(({ change }) => ({ group: change.group, people: change.membership })),
    scopeOf,
  );
  const decisions = scored.map(({ row, before, change, sameScope }) => {
    const fresh = (personId: string) => scoreOf(scopeOf(change.group), personId);
    return decideVersion({
      stored: row,
      before,
      next: change.group,
      after: sameScope
        ? carryScores(before, change.membership, fresh)
        : withScores({ ...change.membership, scores: new Map() }, fresh),
      causes: change.causes,
      departures: change.departures,
      facts: factsOf(change.group.buyingGroupId),
      now,
    });
  });
  return saveDecisions(db, decisions);
}
