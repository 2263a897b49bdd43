import type { AccountUpserted, BuyingGroupChanged, PersonUpserted } from '@bg/contracts';
import { computeAllGroups, groupKey, type Membership, type OracleSolutionInterest } from '@bg/rules';

/** A group as last published (from the public topic, or from the API's read model of it). */
export type PublishedGroup = Pick<
  BuyingGroupChanged,
  'accountId' | 'solutionInterestId' | 'version' | 'status' | 'members' | 'removedMembers'
>;

export type OracleCheck = { pass: boolean; detail: string; compared: number; members: number };

const view = (m: Pick<Membership, 'members' | 'removedMembers'>) => ({
  members: m.members.map((x) => `${x.personId}:${x.role}:${x.source}`).sort(),
  removed: m.removedMembers.map((x) => `${x.personId}:${x.role}:${x.source}`).sort(),
});

/**
 * Every active group (its latest version) equals the from-scratch oracle over the records the load meant, and no
 * group the oracle has is missing. Each group's own latest membership is the oracle's `previous` (only `since` is taken
 * from it: who has stood longest in a full slot). Used by the chaos run, the cluster test and the bench.
 */
export function compareWithOracle(
  latest: readonly PublishedGroup[],
  world: {
    accounts: readonly AccountUpserted[];
    persons: readonly PersonUpserted[];
    interests: readonly OracleSolutionInterest[];
  },
): OracleCheck {
  const active = latest.filter((g) => g.status === 'active');
  const previous = new Map(
    latest.map((g) => [
      groupKey(g.solutionInterestId, g.accountId),
      { members: g.members, removedMembers: g.removedMembers },
    ]),
  );
  const oracle = computeAllGroups({
    accounts: world.accounts,
    persons: world.persons,
    solutionInterests: world.interests,
    overrides: [],
    previous,
    now: new Date().toISOString(),
  });
  const problems: string[] = [];
  const published = new Set(active.map((g) => groupKey(g.solutionInterestId, g.accountId)));
  for (const key of oracle.keys()) if (!published.has(key)) problems.push(`${key}: no active group published`);
  for (const group of active) {
    const key = groupKey(group.solutionInterestId, group.accountId);
    const expected = oracle.get(key);
    if (!expected) {
      problems.push(`${key}: published as active (v${group.version}), the oracle has no such group`);
      continue;
    }
    const got = view(group);
    const want = view(expected);
    const wanted = new Set(want.members);
    const have = new Set(got.members);
    const missing = want.members.filter((m) => !have.has(m));
    const extra = got.members.filter((m) => !wanted.has(m));
    const removedDiff = JSON.stringify(got.removed) !== JSON.stringify(want.removed);
    if (missing.length > 0 || extra.length > 0 || removedDiff) {
      problems.push(
        `${key} v${group.version}: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]` +
          (removedDiff ? `, removed ${JSON.stringify(got.removed)} ≠ ${JSON.stringify(want.removed)}` : ''),
      );
    }
  }
  const members = active.reduce((n, g) => n + g.members.length, 0);
  return {
    pass: problems.length === 0 && oracle.size > 0,
    compared: active.length,
    members,
    detail:
      problems.length === 0
        ? `${active.length} active groups (${members} members) equal the oracle's ${oracle.size}`
        : `${problems.length} groups differ:\n      ${problems.slice(0, 20).join('\n      ')}${problems.length > 20 ? '\n      …' : ''}`,
  };
}
