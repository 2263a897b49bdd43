import { describe, expect, it } from 'vitest';
import type { AudienceRule } from '@bg/contracts';
import { defaultLookbackDays, tooLittleData, trainingExamples, trainModel } from '@bg/ai';
import { isInAudience } from '@bg/rules';
import { demoAccounts, demoAudience, wonDealHistory } from '../../src/demo-dataset';

describe("the demo's won-deal history", () => {
  const today = new Date('2026-12-01T15:30:00Z');
  const history = wonDealHistory(today);
  const window = { now: today.toISOString(), lookbackDays: defaultLookbackDays };
  const people = new Map(history.persons.map((p) => [p.personId, p]));

  it('is enough for the model to train on at start, inside the look-back window', () => {
    const examples = trainingExamples(history.opportunities, people, window);
    expect(tooLittleData(examples)).toBeNull();
    expect(trainModel(examples, window)).not.toBeNull();
  });

  it('adds no group to the list: its accounts are outside the demo audience, the demo accounts inside', () => {
    const audience = demoAudience as AudienceRule;
    expect(history.accounts.filter((a) => isInAudience(audience, a))).toEqual([]);
    expect(demoAccounts.some((a) => isInAudience(audience, a))).toBe(true);
  });

  it('is the same records all day, so a second start publishes nothing new', () => {
    expect(wonDealHistory(new Date('2026-12-01T23:59:00Z'))).toEqual(history);
    expect(wonDealHistory(new Date('2026-12-02T00:01:00Z')).persons[0]!.updatedAt).not.toBe(
      history.persons[0]!.updatedAt,
    );
  });
});
