import type { Cause, OpportunityChanged, OpportunityUpserted } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { coalesce, compareInstants } from '@bg/rules';
import { loadGroupMembers } from '../db/group-members';
import { lockActiveStagedGroupsOf } from '../db/groups';
import { opportunityScopeKey, saveOpportunities, type OpportunityTouch } from '../db/opportunities';
import { noMembers } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { saveDecisions } from './save-decisions';

/**
 * Opportunities (CONTRACT.md §7) → the stage of the groups they belong to: an opportunity newer than the stored one is
 * kept, and each active group with a stage model whose account's opportunities for its solution interest changed is
 * re-judged — one version, caused by the last of those opportunities, only when its stage moved (decideVersion
 * publishes nothing when a reader would see nothing new).
 */
export async function applyOpportunities(
  db: Queryable,
  changed: readonly OpportunityChanged[],
  now: Date,
): Promise<OutboxMessage[]> {
  if (changed.length === 0) return [];
  const touches = await saveOpportunities(db, latestOfEach(changed.map((c) => c.opportunity)));
  // A group never published yet is role-assignment's to publish first.
  const groups = (
    await lockActiveStagedGroupsOf(
      db,
      touches.map((t) => t.scope),
    )
  ).filter((g) => g.version > 0);
  if (groups.length === 0) return [];
  const people = await loadGroupMembers(db, groups);
  const factsOf = await loadGroupFacts(
    db,
    groups.map((group) => ({ group, people: people.get(group.buyingGroupId) ?? noMembers })),
    await scopesOfGroups(db, groups),
  );
  const decisions = groups.map((group) => {
    const members = people.get(group.buyingGroupId) ?? noMembers;
    const causes = causesOf(changed, touches, group);
    return decideVersion({
      stored: group,
      before: members,
      next: group,
      after: members,
      causes: coalesce(
        causes.slice(0, -1).map((cause) => ({ cause })),
        { cause: causes.at(-1)! },
      ),
      facts: factsOf(group.buyingGroupId),
      now,
    });
  });
  return saveDecisions(db, decisions);
}

/** The latest copy of each opportunity in the chunk (whatever its account): one row can be written once per statement. */
function latestOfEach(opportunities: readonly OpportunityUpserted[]): OpportunityUpserted[] {
  const latest = new Map<string, OpportunityUpserted>();
  for (const o of opportunities) {
    const held = latest.get(o.opportunityId);
    if (!held || compareInstants(o.updatedAt, held.updatedAt) > 0) latest.set(o.opportunityId, o);
  }
  return [...latest.values()];
}

/**
 * The causes of a group's version: the chunk's opportunities that changed its account's opportunities for its solution
 * interest, by arriving there or by leaving (to another account or solution interest).
 */
function causesOf(
  changed: readonly OpportunityChanged[],
  touches: readonly OpportunityTouch[],
  group: { accountId: string; solutionInterestId: string },
): Cause[] {
  const key = opportunityScopeKey(group);
  const ids = new Set(touches.filter((t) => opportunityScopeKey(t.scope) === key).map((t) => t.opportunityId));
  return changed.filter((c) => ids.has(c.opportunity.opportunityId)).map((c) => c.cause);
}
