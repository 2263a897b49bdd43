import type { Queryable } from '@bg/postgres';
import type { LinkedOpportunity, Membership } from '@bg/rules';
import { lastActivities } from '../db/activities';
import { opportunitiesOf, opportunityScopeKey } from '../db/opportunities';
import { noScoringFacts, type GroupHeader, type ScoringFacts } from '../domain/group-state';
import type { ScopeOfGroup } from './group-scopes';

/** A group about to be decided, with the people it will have. */
export type FactsRequest = { group: GroupHeader; people: Membership };

/** The facts of a group of the request, by buying group id (`noScoringFacts` for a group that reads none). */
export type FactsOf = (buyingGroupId: string) => ScoringFacts;

/**
 * Reads, in at most two queries for all the groups, what their versions read besides people and scores (CONTRACT.md
 * §7): the account's opportunities for the group's solution interest (groups with a stage model), and each member's
 * last activity within the group's scope (groups with a stage model or signals). Any other group costs nothing.
 */
export async function loadGroupFacts(
  db: Queryable,
  requests: readonly FactsRequest[],
  scopeOf: ScopeOfGroup,
): Promise<FactsOf> {
  const staged = requests.filter(({ group }) => group.stageModel !== null);
  const reading = requests.filter(({ group }) => group.stageModel !== null || group.signalSettings !== null);
  if (reading.length === 0) return () => noScoringFacts;
  const opportunities = await opportunitiesOf(
    db,
    staged.map(({ group }) => group),
  );
  const activity = await lastActivities(
    db,
    reading.flatMap(({ group, people }) =>
      scopeOf(group).flatMap((accountId) => people.members.map((m) => ({ accountId, personId: m.personId }))),
    ),
  );
  const facts = new Map<string, ScoringFacts>();
  for (const { group, people } of reading) {
    const scope = scopeOf(group);
    // A member's last activity is the latest at any account of the group's scope.
    const byMember = new Map<string, string>();
    for (const member of people.members)
      for (const accountId of scope) {
        const at = activity.get(accountId)?.get(member.personId);
        const held = byMember.get(member.personId);
        if (at !== undefined && (held === undefined || at > held)) byMember.set(member.personId, at);
      }
    let lastActivityAt: string | null = null;
    for (const at of byMember.values()) if (lastActivityAt === null || at > lastActivityAt) lastActivityAt = at;
    const linked: LinkedOpportunity[] = group.stageModel ? (opportunities.get(opportunityScopeKey(group)) ?? []) : [];
    facts.set(group.buyingGroupId, {
      opportunities: linked,
      lastActivityAt,
      lastActivityOf: (personId) => byMember.get(personId),
    });
  }
  return (buyingGroupId) => facts.get(buyingGroupId) ?? noScoringFacts;
}
