import type { GroupExplicitSet } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { coalesce } from '@bg/rules';
import { loadGroupMembers } from '../db/group-members';
import { lockGroups } from '../db/groups';
import { applyExplicitSets } from '../domain/journey';
import { noMembers } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { saveDecisions } from './save-decisions';

/**
 * Explicit stages and journey statuses (CONTRACT.md §7) → the next version of each group they change, re-judging its
 * stage. A set for a group scoring has not seen (its account not in the audience) has nothing to apply to.
 */
export async function applyExplicitSetEvents(
  db: Queryable,
  sets: readonly GroupExplicitSet[],
  now: Date,
): Promise<OutboxMessage[]> {
  if (sets.length === 0) return [];
  const stored = await lockGroups(db, sets);
  const people = await loadGroupMembers(db, [...stored.values()]);
  const factsOf = await loadGroupFacts(
    db,
    [...stored.values()].map((group) => ({ group, people: people.get(group.buyingGroupId) ?? noMembers })),
    await scopesOfGroups(db, [...stored.values()]),
  );
  const decisions = [...stored.values()].flatMap((group) => {
    const applied = applyExplicitSets(
      group,
      sets.filter((s) => s.buyingGroupId === group.buyingGroupId),
    );
    if (!applied) return [];
    const members = people.get(group.buyingGroupId) ?? noMembers;
    const last = applied.causes.at(-1)!;
    return [
      decideVersion({
        stored: group,
        before: members,
        next: applied.group,
        after: members,
        causes: coalesce(
          applied.causes.slice(0, -1).map((cause) => ({ cause })),
          { cause: last },
        ),
        facts: factsOf(group.buyingGroupId),
        now,
      }),
    ];
  });
  return saveDecisions(db, decisions);
}
