import { describe, expect, it } from 'vitest';
import { diffLinks, distinctLinks } from '../../src/domain/person-links';
import { isNewer, latestPerRecord } from '../../src/domain/versioning';

const link = (accountId: string, relationship = 'employee') => ({ accountId, relationship });

describe('which accounts a person update touches', () => {
  it('reports joined, updated and left accounts so that both sides of a move recompute', () => {
    expect(diffLinks([link('a'), link('b')], [link('b', 'contractor'), link('c')])).toEqual([
      { accountId: 'a', change: 'left', relationship: null },
      { accountId: 'b', change: 'updated', relationship: 'contractor' },
      { accountId: 'c', change: 'joined', relationship: 'employee' },
    ]);
  });

  it('a person linked to three accounts touches all three', () => {
    expect(diffLinks([], [link('a'), link('b'), link('c')]).map((c) => c.change)).toEqual([
      'joined',
      'joined',
      'joined',
    ]);
  });

  it('keeps the first relationship of an account listed twice', () => {
    expect(distinctLinks([link('a'), link('a', 'contractor')])).toEqual([link('a')]);
  });
});

describe('last writer wins by source modification time', () => {
  it('applies a strictly newer event, ignores an older (stale) or equal (no-op) one', () => {
    const stored = new Date('2026-11-26T10:00:00Z');
    expect(isNewer('2026-11-26T10:00:01Z', stored)).toBe(true);
    expect(isNewer('2026-11-26T09:59:59Z', stored)).toBe(false);
    expect(isNewer('2026-11-26T10:00:00.000Z', stored)).toBe(false);
    expect(isNewer('2026-11-26T12:00:00+02:00', stored)).toBe(false);
    expect(isNewer('2026-11-26T09:00:00Z', null)).toBe(true);
  });
});

describe('the events of one record in one chunk', () => {
  it('keeps only the newest, and the first of equals', () => {
    const events = [
      { id: 'p1', at: '2026-11-26T10:00:00Z', n: 1 },
      { id: 'p2', at: '2026-11-26T09:00:00Z', n: 2 },
      { id: 'p1', at: '2026-11-26T11:00:00Z', n: 3 },
      { id: 'p1', at: '2026-11-26T10:30:00Z', n: 4 },
      { id: 'p1', at: '2026-11-26T11:00:00Z', n: 5 },
    ];
    expect(
      latestPerRecord(
        events,
        (e) => e.id,
        (e) => e.at,
      ).map((e) => e.n),
    ).toEqual([3, 2]);
  });
});
