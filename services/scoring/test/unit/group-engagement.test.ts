import { describe, expect, it } from 'vitest';
import { groupEngagement } from '../../src/domain/engagement';

describe('groupEngagement', () => {
  it('scores a group without members 0', () => {
    expect(groupEngagement([], new Map())).toEqual({ score: 0, members: [] });
  });

  it('weights each member’s score by its slot weight: a Vital 80 and a Minor 10 give 60', () => {
    const result = groupEngagement(
      [
        { personId: 'p-dm', slotWeight: 100 },
        { personId: 'p-inf', slotWeight: 40 },
      ],
      new Map([
        ['p-dm', 80],
        ['p-inf', 10],
      ]),
    );
    expect(result).toEqual({
      score: 60,
      members: [
        { personId: 'p-dm', score: 80, weight: 100 },
        { personId: 'p-inf', score: 10, weight: 40 },
      ],
    });
  });

  it('normalises over the members present: a lone member scores its own score, whatever slots are empty', () => {
    const result = groupEngagement([{ personId: 'p-1', slotWeight: 20 }], new Map([['p-1', 45]]));
    expect(result.score).toBe(45);
  });

  it('counts a member without activities as 0', () => {
    const result = groupEngagement(
      [
        { personId: 'p-1', slotWeight: 60 },
        { personId: 'p-2', slotWeight: 60 },
      ],
      new Map([['p-1', 90]]),
    );
    expect(result.score).toBe(45);
    expect(result.members[1]).toEqual({ personId: 'p-2', score: 0, weight: 60 });
  });

  it('rounds the weighted mean half up: 50 and 51 at equal weight give 51', () => {
    const result = groupEngagement(
      [
        { personId: 'p-1', slotWeight: 60 },
        { personId: 'p-2', slotWeight: 60 },
      ],
      new Map([
        ['p-1', 50],
        ['p-2', 51],
      ]),
    );
    expect(result.score).toBe(51);
  });

  it('scores 0 when every member has weight 0', () => {
    expect(groupEngagement([{ personId: 'p-1', slotWeight: 0 }], new Map([['p-1', 70]])).score).toBe(0);
  });

  it('does not depend on other groups or persons: the same members and scores give the same result', () => {
    const members = [{ personId: 'p-1', slotWeight: 80 }];
    const scores = new Map([
      ['p-1', 33],
      ['p-elsewhere', 100],
    ]);
    expect(groupEngagement(members, scores).score).toBe(33);
  });
});
