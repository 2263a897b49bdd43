import type { BuyingGroupChanged, GroupDissolved } from '@bg/contracts';

/**
 * The internal group-dissolved event of a version that dissolved its group, for enrichment: a dissolved group asks for
 * nobody (it reports no role transitions), so what was asked for it — lookups, its place in the ad audience — must be
 * withdrawn. Null for any other version; a group that comes back reports its missing roles again.
 */
export function dissolutionOf(snapshot: BuyingGroupChanged): GroupDissolved | null {
  if (!snapshot.changes.some((change) => change.kind === 'group.dissolved')) return null;
  return {
    buyingGroupId: snapshot.buyingGroupId,
    version: snapshot.version,
    accountId: snapshot.accountId,
    solutionInterestId: snapshot.solutionInterestId,
    occurredAt: snapshot.computedAt,
    cause: snapshot.cause,
  };
}
