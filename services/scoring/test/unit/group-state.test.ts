import { describe, expect, it } from 'vitest';
import {
  carryScores,
  joiners,
  memberRowChanges,
  noMembers,
  withScores,
  type GroupMembers,
} from '../../src/domain/group-state';
import { member } from './fixtures';

const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);
const cy = member('p-cy', 'Practitioner', 2);
const removedDan = {
  personId: 'p-dan',
  role: 'Champion',
  source: 'manual' as const,
  removedAt: '2026-11-20T00:00:00.000Z',
};
const people = (
  members = [ana, ben],
  scores: [string, number][] = [
    ['p-ana', 40],
    ['p-ben', 10],
  ],
  removedMembers = [removedDan],
): GroupMembers => ({
  members,
  removedMembers,
  scores: new Map(scores),
});

describe('memberRowChanges', () => {
  it('writes every row of a new group: members with reason and score, removed people with neither', () => {
    expect(memberRowChanges(noMembers, people())).toEqual({
      upserted: [
        {
          personId: 'p-ana',
          role: 'Decision Maker',
          source: 'rule',
          removed: false,
          changedAt: ana.since,
          reason: ana.reason,
          engagement: 40,
        },
        {
          personId: 'p-ben',
          role: 'Influencer',
          source: 'rule',
          removed: false,
          changedAt: ben.since,
          reason: ben.reason,
          engagement: 10,
        },
        {
          personId: 'p-dan',
          role: 'Champion',
          source: 'manual',
          removed: true,
          changedAt: removedDan.removedAt,
          reason: null,
          engagement: null,
        },
      ],
      deleted: [],
    });
  });

  it('writes only the rows that differ, and deletes the persons gone', () => {
    const after = people(
      [member('p-ana', 'Influencer', 1), cy],
      [
        ['p-ana', 40],
        ['p-cy', 0],
      ],
    );
    const { upserted, deleted } = memberRowChanges(people(), after);
    expect(upserted.map((row) => [row.personId, row.role])).toEqual([
      ['p-ana', 'Influencer'],
      ['p-cy', 'Practitioner'],
    ]);
    expect(deleted).toEqual(['p-ben']);
  });

  it('writes a row whose score alone changed, and nothing when nothing changed', () => {
    expect(
      memberRowChanges(
        people(),
        people(undefined, [
          ['p-ana', 41],
          ['p-ben', 10],
        ]),
      ).upserted.map((r) => [r.personId, r.engagement]),
    ).toEqual([['p-ana', 41]]);
    expect(memberRowChanges(people(), people())).toEqual({ upserted: [], deleted: [] });
  });

  it('turns a member into a removed row in place when an explicit removal replaces them', () => {
    const removedBen = {
      personId: 'p-ben',
      role: 'Influencer',
      source: 'manual' as const,
      removedAt: '2026-11-21T00:00:00.000Z',
    };
    const { upserted, deleted } = memberRowChanges(people(), people([ana], [['p-ana', 40]], [removedBen, removedDan]));
    expect(upserted).toEqual([
      expect.objectContaining({ personId: 'p-ben', removed: true, reason: null, engagement: null }),
    ]);
    expect(deleted).toEqual([]);
  });
});

describe('scores across a membership change', () => {
  it('names as joiners the members who were not members before, a formerly removed person included', () => {
    expect(joiners(people(), { members: [ana, cy, member('p-dan', 'Champion', null)], removedMembers: [] })).toEqual([
      'p-cy',
      'p-dan',
    ]);
  });

  it('keeps the score of members who stay, whatever role they moved to, and gives joiners a fresh one', () => {
    const after = carryScores(
      people(),
      { members: [member('p-ana', 'Influencer', 1), cy], removedMembers: [] },
      () => 77,
    );
    expect([...after.scores]).toEqual([
      ['p-ana', 40],
      ['p-cy', 77],
    ]);
  });

  it('replaces the scores it is given and keeps the others', () => {
    const after = withScores(people(), (personId) => (personId === 'p-ben' ? 25 : undefined));
    expect([...after.scores]).toEqual([
      ['p-ana', 40],
      ['p-ben', 25],
    ]);
  });
});
