import { describe, expect, it } from 'vitest';
import { feedDecision, matchesFilter, sortKey, type FilterFields } from '../../src/domain/group-filter';

const group = (extra: Partial<FilterFields> = {}): FilterFields => ({
  buyingGroupId: 'bg-1',
  accountId: 'acc-1',
  solutionInterestId: 'si-a',
  status: 'active',
  completeness: 40,
  engagement: 60,
  missingRoles: ['Decision Maker'],
  ...extra,
});

describe('the list filter as a predicate', () => {
  it('holds a group that meets every filter given, as the workflow query asks', () => {
    expect(matchesFilter({ status: 'active', missingRole: 'Decision Maker', completenessLt: 50 }, group())).toBe(true);
    expect(matchesFilter({ status: 'all' }, group({ status: 'dissolved' }))).toBe(true);
  });

  it('drops a group that fails any one of them', () => {
    const filter = { status: 'active' as const };
    expect(matchesFilter({ ...filter, missingRole: 'Influencer' }, group())).toBe(false);
    expect(matchesFilter({ ...filter, completenessLt: 40 }, group())).toBe(false);
    expect(matchesFilter({ ...filter, completenessGte: 41 }, group())).toBe(false);
    expect(matchesFilter({ ...filter, engagementGte: 61 }, group())).toBe(false);
    expect(matchesFilter({ ...filter, accountId: 'acc-2' }, group())).toBe(false);
    expect(matchesFilter({ ...filter, solutionInterestId: 'si-b' }, group())).toBe(false);
    expect(matchesFilter({ ...filter, buyingGroupId: 'bg-2' }, group())).toBe(false);
    expect(matchesFilter(filter, group({ status: 'dissolved' }))).toBe(false);
  });
});

describe('what a live view hears of a changed group', () => {
  const filter = { status: 'active' as const, missingRole: 'Decision Maker' };

  it('a group that matches now, whether it entered the view or was in it', () => {
    expect(feedDecision(filter, group(), null)).toEqual({ matches: true });
    expect(feedDecision(filter, group(), group({ missingRoles: [] }))).toEqual({ matches: true });
  });

  it('a group that left the view: it matched before this version and does not now', () => {
    expect(feedDecision(filter, group({ missingRoles: [] }), group())).toEqual({ matches: false });
  });

  it('nothing of a group that neither matches nor matched', () => {
    expect(feedDecision(filter, group({ missingRoles: [] }), group({ missingRoles: [] }))).toBeNull();
    expect(feedDecision(filter, group({ missingRoles: [] }), null)).toBeNull();
  });
});

describe('sort orders', () => {
  it('by id by default, by a score ascending, or descending with a minus', () => {
    expect(sortKey('buyingGroupId')).toBeNull();
    expect(sortKey('completeness')).toEqual({ column: 'completeness', descending: false });
    expect(sortKey('-engagement')).toEqual({ column: 'engagement', descending: true });
  });
});
