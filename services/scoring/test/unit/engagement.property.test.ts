import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { activityTypes } from '@bg/contracts';
import {
  clockMovedOccurrences,
  createEngagementConfig,
  personEngagement,
  type EngagementConfig,
  type ScoredActivity,
} from '../../src/domain/engagement';

/**
 * A person's engagement (PRODUCT.md): activities weighted by type within a look-back window, a daily cap per type and
 * UTC day, an optional half-life — absolute, explainable, 0 to 100. Checked over generated activity histories.
 */

const day = 86_400_000;
const now = new Date('2026-11-26T12:00:00.000Z');

const configArb: fc.Arbitrary<EngagementConfig> = fc
  .record({
    windowDays: fc.integer({ min: 1, max: 40 }),
    dailyCapPerType: fc.integer({ min: 1, max: 4 }),
    halfLifeDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    maxPoints: fc.integer({ min: 10, max: 200 }),
  })
  .map((settings) => createEngagementConfig(settings));

/** An activity from 50 days before `now` to 2 days after it (some outside any window), by a few CRMs and ids. */
const activityArb: fc.Arbitrary<ScoredActivity> = fc.record({
  source: fc.constantFrom('crm/salesforce', 'crm/hubspot'),
  activityId: fc.integer({ min: 0, max: 40 }).map((i) => `a-${i}`),
  activityType: fc.constantFrom(...activityTypes.slice(0, 4)),
  occurredAt: fc
    .integer({ min: -50 * day, max: 2 * day })
    .map((offset) => new Date(now.getTime() + offset).toISOString()),
});
/** Activities with distinct identities (source and id), as scoring stores them. */
const historyArb = fc.uniqueArray(activityArb, { maxLength: 40, selector: (a) => `${a.source}|${a.activityId}` });

const at = (a: ScoredActivity) => Date.parse(a.occurredAt);
const inWindow = (a: ScoredActivity, config: EngagementConfig) =>
  at(a) >= now.getTime() - config.windowDays * day && at(a) <= now.getTime();
const withNewId = (a: ScoredActivity): ScoredActivity => ({ ...a, activityId: `new-${a.activityId}` });

describe('engagement (properties)', () => {
  it('is an integer from 0 to 100', () => {
    fc.assert(
      fc.property(historyArb, configArb, (history, config) => {
        const { score } = personEngagement(history, now, config);
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('counts nothing outside the window (older than it, or not yet happened): 0 for them alone, no change added', () => {
    fc.assert(
      fc.property(historyArb, configArb, (history, config) => {
        const outside = history.filter((a) => !inWindow(a, config));
        expect(personEngagement(outside, now, config).score).toBe(0);
        expect(personEngagement(outside, now, config).inputs.rawPoints).toBe(0);
        const inside = history.filter((a) => inWindow(a, config));
        expect(personEngagement(history, now, config)).toEqual(personEngagement(inside, now, config));
      }),
    );
  });

  it('never falls when an activity within the window is added', () => {
    fc.assert(
      fc.property(historyArb, activityArb, configArb, (history, extra, config) => {
        fc.pre(inWindow(extra, config));
        const added = withNewId(extra);
        const before = personEngagement(history, now, config);
        const after = personEngagement([...history, added], now, config);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        // (Up to float rounding: the same points may be summed in another order.)
        expect(after.inputs.rawPoints).toBeGreaterThanOrEqual(before.inputs.rawPoints - 1e-9);
      }),
    );
  });

  it('counts at most the daily cap of each type per UTC day; the rest are shown but worth nothing', () => {
    fc.assert(
      fc.property(historyArb, configArb, (history, config) => {
        const { byType } = personEngagement(history, now, config).inputs;
        const inside = history.filter((a) => inWindow(a, config));
        for (const type of activityTypes) {
          const ofType = inside.filter((a) => a.activityType === type);
          const perDay = new Map<number, number>();
          for (const a of ofType) perDay.set(Math.floor(at(a) / day), (perDay.get(Math.floor(at(a) / day)) ?? 0) + 1);
          const allowed = [...perDay.values()].reduce((sum, n) => sum + Math.min(n, config.dailyCapPerType), 0);
          expect(byType[type].count).toBe(ofType.length);
          expect(byType[type].counted).toBe(allowed);
        }
      }),
    );
  });

  it('without decay, is worth the weights of the activities counted, saturating at maxPoints', () => {
    fc.assert(
      fc.property(historyArb, configArb, (history, decaying) => {
        const config = { ...decaying, halfLifeDays: null };
        const { inputs, score } = personEngagement(history, now, config);
        const expected = activityTypes.reduce(
          (sum, type) => sum + inputs.byType[type].counted * config.weights[type],
          0,
        );
        expect(inputs.rawPoints).toBe(expected);
        expect(score).toBe(Math.min(100, Math.floor((100 * expected) / config.maxPoints + 0.5)));
      }),
    );
  });

  it('with a half-life, is worth no more than without, and an activity is worth less the older it is', () => {
    fc.assert(
      fc.property(
        historyArb,
        activityArb,
        configArb,
        fc.integer({ min: 1, max: 10 }),
        (history, extra, config, olderBy) => {
          fc.pre(config.halfLifeDays !== null && inWindow(extra, config));
          const noDecay = personEngagement(history, now, { ...config, halfLifeDays: null });
          expect(personEngagement(history, now, config).inputs.rawPoints).toBeLessThanOrEqual(noDecay.inputs.rawPoints);
          // The same activity, alone, a few days older (still within the window) or newer.
          const older = {
            ...extra,
            occurredAt: new Date(
              Math.max(at(extra) - olderBy * 3_600_000, now.getTime() - config.windowDays * day),
            ).toISOString(),
          };
          expect(personEngagement([older], now, config).inputs.rawPoints).toBeLessThanOrEqual(
            personEngagement([extra], now, config).inputs.rawPoints,
          );
        },
      ),
    );
  });

  it('counts an activity once however often it arrives, and does not depend on the order they arrive in', () => {
    fc.assert(
      fc.property(historyArb, configArb, (history, config) => {
        const once = personEngagement(history, now, config);
        expect(personEngagement([...history, ...history], now, config)).toEqual(once);
        expect(personEngagement([...history].reverse(), now, config)).toEqual(once);
      }),
    );
  });

  it('tells activities apart by source: another CRM’s activity with the same id counts too', () => {
    fc.assert(
      fc.property(activityArb, configArb, (activity, config) => {
        fc.pre(inWindow(activity, config) && config.dailyCapPerType >= 2);
        const other = { ...activity, source: `${activity.source}-other` };
        const one = personEngagement([activity], now, config).inputs;
        const two = personEngagement([activity, other], now, config).inputs;
        expect(two.byType[activity.activityType].counted).toBe(2);
        expect(two.rawPoints).toBeCloseTo(2 * one.rawPoints, 9);
      }),
    );
  });

  it('moves with the clock only through an activity that lies where clockMovedOccurrences says', () => {
    // The periodic re-score reads only the persons with such an activity: any other score must be the same at both
    // instants. Later instants up to three days on, so that activities cross the window's edges and the clock.
    fc.assert(
      fc.property(historyArb, configArb, fc.integer({ min: 0, max: 3 * day }), (history, config, elapsed) => {
        const later = new Date(now.getTime() + elapsed);
        const ranges = clockMovedOccurrences(now, later, config);
        const moved = history.some((a) =>
          ranges.some(
            (r) => (r.from === null || at(a) >= r.from.getTime()) && (r.to === null || at(a) <= r.to.getTime()),
          ),
        );
        if (!moved)
          expect(personEngagement(history, later, config).score).toBe(personEngagement(history, now, config).score);
      }),
      { numRuns: 2000 },
    );
  });
});
