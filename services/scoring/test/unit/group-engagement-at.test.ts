import { describe, expect, it } from 'vitest';
import { createEngagementConfig, type GroupEngagement, type ScoredActivity } from '../../src/domain/engagement';
import { groupEngagementAt, settleEngagement } from '../../src/domain/group-engagement-at';
import { member, templateSlots } from './fixtures';

const now = new Date('2026-11-26T12:00:00.000Z');
const config = createEngagementConfig();
const meetings = (count: number, occurredAt = '2026-11-26T09:00:00.000Z'): ScoredActivity[] =>
  Array.from({ length: count }, (_, i) => ({ activityId: `m-${i}`, activityType: 'meeting.completed', occurredAt }));

describe('groupEngagementAt', () => {
  it('scores each member from their own activities and weights them by the slot they hold', () => {
    const members = [member('p-dm', 'Decision Maker', 0), member('p-pr', 'Practitioner', 2)];
    const activities = new Map([['p-dm', meetings(3)]]);
    const engagement = groupEngagementAt({ members, slots: templateSlots }, activities, now, config);
    // Decision Maker: 3 meetings = 60 points at weight 100; Practitioner: nothing at weight 40 → 6000 / 140.
    expect(engagement).toEqual({
      score: 43,
      members: [
        { personId: 'p-dm', score: 60, weight: 100 },
        { personId: 'p-pr', score: 0, weight: 40 },
      ],
    });
  });

  it('is 0 for a group without members', () => {
    expect(groupEngagementAt({ members: [], slots: templateSlots }, new Map(), now, config).score).toBe(0);
  });
});

describe('settleEngagement', () => {
  const published = { engagement: { score: 40, members: [{ personId: 'p-1', score: 40, weight: 100 }] } };
  const drifted = (score: number, weight = 100): GroupEngagement => ({ score, members: [{ personId: 'p-1', score, weight }] });

  it('keeps the published engagement when the same members drifted with the clock by less than the step', () => {
    expect(settleEngagement(drifted(37), published, 5)).toEqual(published.engagement);
  });

  it('takes the new engagement when the drift reaches the step', () => {
    expect(settleEngagement(drifted(35), published, 5)).toEqual(drifted(35));
  });

  it('takes the new engagement when a member joined, left or changed weight', () => {
    expect(settleEngagement(drifted(39, 80), published, 5)).toEqual(drifted(39, 80));
    const joined = { score: 39, members: [...drifted(39).members, { personId: 'p-2', score: 0, weight: 60 }] };
    expect(settleEngagement(joined, published, 5)).toEqual(joined);
  });

  it('takes the new engagement for a group never published', () => {
    expect(settleEngagement(drifted(3), null, 5)).toEqual(drifted(3));
  });
});
