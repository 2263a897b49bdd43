import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/resilience/request-budget';
import { fakeTime } from './support/fake-clock';

describe('RequestBudget', () => {
  it('allows maxCalls per period and refuses beyond, spending nothing on a refusal', () => {
    const time = fakeTime();
    const budget = new RequestBudget({ maxCalls: 2, periodMs: 3_600_000, clock: time.clock });
    expect(budget.tryConsume()).toBe(true);
    time.advance(1000);
    expect(budget.tryConsume()).toBe(true);
    expect(budget.tryConsume()).toBe(false);
    expect(budget.remaining()).toBe(0);
    expect(budget.msUntilReset()).toBe(3_599_000);
  });

  it('is whole again once the period is over', () => {
    const time = fakeTime();
    const budget = new RequestBudget({ maxCalls: 1, periodMs: 60_000, clock: time.clock });
    expect(budget.msUntilReset()).toBe(0);
    budget.tryConsume();
    time.advance(60_000);
    expect(budget.remaining()).toBe(1);
    expect(budget.tryConsume()).toBe(true);
  });
});
