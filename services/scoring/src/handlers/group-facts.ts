import type { Queryable } from '@bg/postgres';
import { noFacts, type GroupFacts, type Membership } from '@bg/rules';
import { lastActivities } from '../db/activities';
import { opportunitiesOf, opportunityScopeKey } from '../db/opportunities';
import type { GroupHeader } from '../domain/group-state';
import type { ScopeOfGroup } from './group-scopes';

/** A group about to be decided, with the people it will have. */
export type FactsRequest = { group: GroupHeader; people: Membership };

/** The facts of a group of the request, by buying group id (`noFacts` for a group that reads none). */
export type FactsOf = (buyingGroupId: string) => GroupFacts;

/**
 * Reads, in two queries for all the groups, what their versions read besides people and scores (CONTRACT.md §7): the
 * account's opportunities for the group's solution interest, and each member's last activity within the group's
 * scope. Only a group with a stage model reads them: any other costs nothing.
 */
export async function loadGroupFacts(
  db: Queryable,
  requests: readonly FactsRequest[],
  scopeOf: ScopeOfGroup,
): Promise<FactsOf> {
  const reading = requests.filter(({ group }) => group.stageModel !== null);
  if (reading.length === 0) return () => noFacts;
  const opportunities = await opportunitiesOf(
    db,
    reading.map(({ group }) => group),
  );
  const activity = await lastActivities(
    db,
    reading.flatMap(({ group, people }) =>
      scopeOf(group).flatMap((accountId) => people.members.map((m) => ({ accountId, personId: m.personId }))),
    ),
  );
  const facts = new Map<string, GroupFacts>();
  for (const { group, people } of reading) {
    const scope = scopeOf(group);
    let lastActivityAt: string | null = null;
    for (const member of people.members)
      for (const accountId of scope) {
        const at = activity.get(accountId)?.get(member.personId);
        if (at !== undefined && (lastActivityAt === null || at > lastActivityAt)) lastActivityAt = at;
      }
    facts.set(group.buyingGroupId, {
      opportunities: opportunities.get(opportunityScopeKey(group)) ?? [],
      lastActivityAt,
    });
  }
  return (buyingGroupId) => facts.get(buyingGroupId) ?? noFacts;
}
