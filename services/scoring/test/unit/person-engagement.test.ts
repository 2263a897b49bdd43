import { activityTypes, type ActivityType } from '@bg/contracts';
import { describe, expect, it } from 'vitest';
import {
  createEngagementConfig,
  defaultEngagementConfig,
  personEngagement,
  type ScoredActivity,
} from '../../src/domain/engagement';

const now = new Date('2026-11-26T12:00:00.000Z');
const dayMs = 86_400_000;
let nextId = 0;

function activity(activityType: ActivityType, occurredAt: string, activityId = `a-${++nextId}`): ScoredActivity {
  return { source: 'crm/test', activityId, activityType, occurredAt };
}

function daysAgo(days: number): string {
  return new Date(now.getTime() - days * dayMs).toISOString();
}

function many(count: number, activityType: ActivityType, firstAt: string, stepMs = 60_000): ScoredActivity[] {
  const start = Date.parse(firstAt);
  return Array.from({ length: count }, (_, i) => activity(activityType, new Date(start + i * stepMs).toISOString()));
}

describe('personEngagement', () => {
  it('scores a person without activities 0 and shows every activity type at zero', () => {
    const result = personEngagement([], now);
    expect(result.score).toBe(0);
    expect(result.inputs.rawPoints).toBe(0);
    expect(Object.keys(result.inputs.byType).sort()).toEqual([...activityTypes].sort());
    expect(result.inputs.byType['email.opened']).toEqual({ count: 0, counted: 0, points: 0 });
  });

  it('scores 100 × points / maxPoints: a meeting and a form submission give 30 of 100 points', () => {
    const result = personEngagement(
      [activity('meeting.completed', daysAgo(2)), activity('form.submitted', daysAgo(1))],
      now,
    );
    expect(result.score).toBe(30);
    expect(result.inputs.rawPoints).toBe(30);
    expect(result.inputs.byType['meeting.completed']).toEqual({ count: 1, counted: 1, points: 20 });
  });

  it('saturates at 100 when the points exceed maxPoints', () => {
    const activities = Array.from({ length: 7 }, (_, i) => activity('meeting.completed', daysAgo(i + 1)));
    const result = personEngagement(activities, now);
    expect(result.inputs.rawPoints).toBe(140);
    expect(result.score).toBe(100);
  });

  it('rounds the score half up: 29 points of 200 is 14.5 → 15', () => {
    const config = createEngagementConfig({ maxPoints: 200 });
    const activities = [...many(9, 'email.clicked', daysAgo(3)), ...many(2, 'email.opened', daysAgo(2))];
    const result = personEngagement(activities, now, config);
    expect(result.inputs.rawPoints).toBe(29);
    expect(result.score).toBe(15);
  });

  it('uses the configured weights', () => {
    const config = createEngagementConfig({ weights: { 'page.viewed': 50 } });
    expect(personEngagement([activity('page.viewed', daysAgo(1))], now, config).score).toBe(50);
    expect(config.weights['meeting.completed']).toBe(20);
  });

  describe('window', () => {
    it('counts an activity exactly at the start of the 30-day window and not one a millisecond older', () => {
      const atStart = activity('meeting.completed', daysAgo(30));
      const justBefore = activity('form.submitted', new Date(now.getTime() - 30 * dayMs - 1).toISOString());
      const result = personEngagement([atStart, justBefore], now);
      expect(result.inputs.windowStart).toBe('2026-10-27T12:00:00.000Z');
      expect(result.inputs.byType['meeting.completed'].counted).toBe(1);
      expect(result.inputs.byType['form.submitted'].count).toBe(0);
      expect(result.score).toBe(20);
    });

    it('does not count an activity dated after now', () => {
      const result = personEngagement([activity('meeting.completed', '2026-11-26T12:00:00.001Z')], now);
      expect(result.score).toBe(0);
    });

    it('follows the configured window length', () => {
      const config = createEngagementConfig({ windowDays: 7 });
      const result = personEngagement(
        [activity('meeting.completed', daysAgo(6)), activity('meeting.completed', daysAgo(8))],
        now,
        config,
      );
      expect(result.score).toBe(20);
    });

    it('keeps a score until an activity leaves the window when there is no decay', () => {
      const activities = [activity('meeting.completed', daysAgo(10)), activity('form.submitted', daysAgo(25))];
      const later = (days: number) => new Date(now.getTime() + days * dayMs);
      expect(personEngagement(activities, now).score).toBe(30);
      expect(personEngagement(activities, later(4)).score).toBe(30);
      expect(personEngagement(activities, later(6)).score).toBe(20);
    });
  });

  describe('daily cap', () => {
    it('counts at most 20 activities of one type per UTC day and shows the rest', () => {
      const result = personEngagement(many(25, 'page.viewed', '2026-11-20T08:00:00.000Z'), now);
      expect(result.inputs.byType['page.viewed']).toEqual({ count: 25, counted: 20, points: 40 });
      expect(result.score).toBe(40);
    });

    it('caps each activity type on its own', () => {
      const activities = [
        ...many(20, 'email.opened', '2026-11-20T08:00:00.000Z'),
        ...many(20, 'email.clicked', '2026-11-20T08:00:00.000Z'),
      ];
      const result = personEngagement(activities, now);
      expect(result.inputs.byType['email.opened'].counted).toBe(20);
      expect(result.inputs.byType['email.clicked'].counted).toBe(20);
      expect(result.inputs.rawPoints).toBe(80);
    });

    it('starts a new cap at midnight UTC', () => {
      const activities = [
        ...many(15, 'page.viewed', '2026-11-20T23:30:00.000Z'),
        ...many(15, 'page.viewed', '2026-11-21T00:00:00.000Z'),
      ];
      expect(personEngagement(activities, now).inputs.byType['page.viewed'].counted).toBe(30);
    });

    it('follows the configured cap', () => {
      const config = createEngagementConfig({ dailyCapPerType: 2 });
      const result = personEngagement(many(5, 'email.opened', '2026-11-20T08:00:00.000Z'), now, config);
      expect(result.inputs.byType['email.opened']).toEqual({ count: 5, counted: 2, points: 2 });
    });

    it('counts a late activity on the day it occurred: it does not pass a full day’s cap', () => {
      const fullDay = many(20, 'page.viewed', '2026-11-20T08:00:00.000Z');
      const lateForFullDay = activity('page.viewed', '2026-11-20T07:00:00.000Z');
      const lateForQuietDay = activity('page.viewed', '2026-11-19T07:00:00.000Z');
      const result = personEngagement([...fullDay, lateForFullDay, lateForQuietDay], now);
      expect(result.inputs.byType['page.viewed']).toEqual({ count: 22, counted: 21, points: 42 });
    });

    it('keeps under the cap the day’s latest activities, worth most after decay: a late, older one never lowers a score', () => {
      const config = createEngagementConfig({ dailyCapPerType: 1, halfLifeDays: 1 });
      const evening = activity('meeting.completed', '2026-11-25T23:00:00.000Z'); // 13 h old: 20 × 0.5^(13/24) ≈ 13.7
      const morning = activity('meeting.completed', '2026-11-25T01:00:00.000Z'); // 35 h old: ≈ 7.3
      const before = personEngagement([evening], now, config);
      const after = personEngagement([evening, morning], now, config);
      expect(before.score).toBe(14);
      expect(after.score).toBe(14);
      expect(after.inputs.byType['meeting.completed']).toMatchObject({ count: 2, counted: 1 });
    });

    it('gives the same result whatever order the activities arrive in', () => {
      const config = createEngagementConfig({ halfLifeDays: 3 });
      const activities = [
        ...many(25, 'page.viewed', '2026-11-20T08:00:00.000Z', 3_600_000 / 2),
        ...many(3, 'meeting.completed', '2026-11-24T08:00:00.000Z'),
      ];
      const forward = personEngagement(activities, now, config);
      const backward = personEngagement([...activities].reverse(), now, config);
      expect(backward).toEqual(forward);
    });
  });

  describe('duplicates', () => {
    it('counts an activity redelivered under the same id once', () => {
      const meeting = activity('meeting.completed', daysAgo(1), 'a-dup');
      const result = personEngagement([meeting, meeting, { ...meeting }], now);
      expect(result.inputs.byType['meeting.completed']).toEqual({ count: 1, counted: 1, points: 20 });
    });

    it('does not let a duplicate take a place under the daily cap', () => {
      const day = many(19, 'page.viewed', '2026-11-20T08:00:00.000Z');
      const repeated = day[0]!;
      const last = activity('page.viewed', '2026-11-20T20:00:00.000Z');
      const result = personEngagement([...day, repeated, repeated, last], now);
      expect(result.inputs.byType['page.viewed']).toEqual({ count: 20, counted: 20, points: 40 });
    });
  });

  describe('decay', () => {
    const config = createEngagementConfig({ halfLifeDays: 7 });

    it('halves an activity’s points every half-life', () => {
      const fresh = personEngagement([activity('meeting.completed', now.toISOString())], now, config);
      const oneHalfLife = personEngagement([activity('meeting.completed', daysAgo(7))], now, config);
      const twoHalfLives = personEngagement([activity('meeting.completed', daysAgo(14))], now, config);
      expect(fresh.inputs.rawPoints).toBe(20);
      expect(oneHalfLife.inputs.rawPoints).toBeCloseTo(10, 10);
      expect(twoHalfLives.inputs.rawPoints).toBeCloseTo(5, 10);
      expect([fresh.score, oneHalfLife.score, twoHalfLives.score]).toEqual([20, 10, 5]);
    });

    it('shows decayed points per type', () => {
      const result = personEngagement(
        [activity('form.submitted', daysAgo(7)), activity('form.submitted', daysAgo(0))],
        now,
        config,
      );
      expect(result.inputs.byType['form.submitted'].counted).toBe(2);
      expect(result.inputs.byType['form.submitted'].points).toBeCloseTo(15, 10);
    });

    it('lowers the score as the clock moves, with no new activity', () => {
      const activities = [activity('meeting.completed', daysAgo(0)), activity('event.attended', daysAgo(0))];
      const scores = [0, 7, 14].map(
        (days) => personEngagement(activities, new Date(now.getTime() + days * dayMs), config).score,
      );
      expect(scores).toEqual([35, 18, 9]);
    });
  });
});

describe('createEngagementConfig', () => {
  it('is the default configuration without overrides', () => {
    expect(createEngagementConfig()).toEqual(defaultEngagementConfig);
    expect(defaultEngagementConfig).toMatchObject({
      windowDays: 30,
      dailyCapPerType: 20,
      halfLifeDays: null,
      maxPoints: 100,
    });
    expect(defaultEngagementConfig.weights).toEqual({
      'email.opened': 1,
      'email.clicked': 3,
      'link.clicked': 3,
      'page.viewed': 2,
      'form.submitted': 10,
      'event.registered': 8,
      'event.attended': 15,
      'meeting.completed': 20,
      'content.downloaded': 6,
      'interesting.moment': 10,
    });
  });

  it('replaces only the weights given and leaves the defaults untouched', () => {
    const config = createEngagementConfig({ weights: { 'email.opened': 0 }, halfLifeDays: 14 });
    expect(config.weights['email.opened']).toBe(0);
    expect(config.weights['email.clicked']).toBe(3);
    expect(config.halfLifeDays).toBe(14);
    expect(defaultEngagementConfig.weights['email.opened']).toBe(1);
  });

  it('names every bad setting at once', () => {
    const build = () =>
      createEngagementConfig({
        weights: { 'page.viewed': -1 },
        windowDays: 0,
        dailyCapPerType: 1.5,
        halfLifeDays: 0,
        maxPoints: Number.NaN,
      });
    expect(build).toThrow(RangeError);
    expect(build).toThrow(
      'invalid engagement config: weights.page.viewed must be a number ≥ 0; windowDays must be a number > 0; ' +
        'dailyCapPerType must be an integer ≥ 1; halfLifeDays must be a number > 0 or null; maxPoints must be a number > 0',
    );
  });
});
