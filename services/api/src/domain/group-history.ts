import type { BuyingGroupChanged } from '@bg/contracts';

/**
 * What history keeps of a version: what changed and the scores it led to, in the shape of the published event minus
 * the people and the per-slot and per-member breakdowns (the latest version has those; a copy per version does not
 * pay for itself).
 */
export type HistoryItem = Pick<
  BuyingGroupChanged,
  'version' | 'name' | 'status' | 'missingRoles' | 'changes' | 'cause' | 'coalesced' | 'computedAt'
> & {
  completeness: { score: number };
  engagement: { score: number };
};

export function historyItemOf(snapshot: BuyingGroupChanged): HistoryItem {
  return {
    version: snapshot.version,
    name: snapshot.name,
    status: snapshot.status,
    completeness: { score: snapshot.completeness.score },
    engagement: { score: snapshot.engagement.score },
    missingRoles: snapshot.missingRoles,
    changes: snapshot.changes,
    cause: snapshot.cause,
    ...(snapshot.coalesced === undefined ? {} : { coalesced: snapshot.coalesced }),
    computedAt: snapshot.computedAt,
  };
}
