import { describe, expect, it } from 'vitest';
import type { BuyingGroupChanged } from '@bg/contracts';
import { groupRowOf, latestPerGroup } from '../../src/domain/group-summary';

const snapshot = (buyingGroupId: string, version: number): BuyingGroupChanged => ({
  buyingGroupId,
  accountId: 'acc-1',
  solutionInterestId: 'si-x',
  name: 'X for Acme',
  version,
  status: 'active',
  members: [
    {
      personId: 'p-1',
      role: 'Decision Maker',
      source: 'rule',
      since: '2026-11-26T10:00:00Z',
      reason: { slot: 0, matched: [] },
    },
  ],
  removedMembers: [],
  completeness: { score: 50, slots: [] },
  engagement: { score: 12 },
  missingRoles: ['Influencer'],
  changes: [],
  cause: { eventId: 'e', eventType: 't' },
  computedAt: '2026-11-26T10:00:01Z',
});

describe('group projection', () => {
  it('takes the filter columns from a snapshot', () => {
    expect(groupRowOf(snapshot('bg-1', 3))).toEqual({
      buyingGroupId: 'bg-1',
      accountId: 'acc-1',
      solutionInterestId: 'si-x',
      name: 'X for Acme',
      version: 3,
      status: 'active',
      completeness: 50,
      engagement: 12,
      missingRoles: ['Influencer'],
      memberCount: 1,
      updatedAt: '2026-11-26T10:00:01Z',
    });
  });

  it('keeps the highest version per group of a chunk, whatever the arrival order', () => {
    const latest = latestPerGroup([snapshot('bg-1', 2), snapshot('bg-2', 1), snapshot('bg-1', 3), snapshot('bg-1', 1)]);
    expect(latest.map((s) => [s.buyingGroupId, s.version])).toEqual([
      ['bg-1', 3],
      ['bg-2', 1],
    ]);
  });
});
