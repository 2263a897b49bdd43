import type { BuyingGroupChanged } from '@bg/contracts';

/** The columns the list filters on, taken from a `buying-group.changed` snapshot. */
export type GroupRow = {
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  name: string;
  version: number;
  status: 'active' | 'dissolved';
  completeness: number;
  engagement: number;
  missingRoles: string[];
  memberCount: number;
  updatedAt: string;
};

export function groupRowOf(snapshot: BuyingGroupChanged): GroupRow {
  return {
    buyingGroupId: snapshot.buyingGroupId,
    accountId: snapshot.accountId,
    solutionInterestId: snapshot.solutionInterestId,
    name: snapshot.name,
    version: snapshot.version,
    status: snapshot.status,
    completeness: snapshot.completeness.score,
    engagement: snapshot.engagement.score,
    missingRoles: snapshot.missingRoles,
    memberCount: snapshot.members.length,
    updatedAt: snapshot.computedAt,
  };
}

/**
 * Of the snapshots in one chunk, the highest version per group: only it can become the stored snapshot, so the
 * others are written to history alone.
 */
export function latestPerGroup(snapshots: readonly BuyingGroupChanged[]): BuyingGroupChanged[] {
  const latest = new Map<string, BuyingGroupChanged>();
  for (const snapshot of snapshots) {
    const held = latest.get(snapshot.buyingGroupId);
    if (held === undefined || snapshot.version > held.version) latest.set(snapshot.buyingGroupId, snapshot);
  }
  return [...latest.values()];
}
