import { describe, expect, it } from 'vitest';
import { isInAudience } from '../../src/audience';

const acme = {
  accountId: 'acc-1',
  name: 'Acme Corp',
  annualRevenue: 25_000_000,
  productsOwned: ['product-y'],
  attributes: { tier: 'gold' },
};

describe('isInAudience', () => {
  it('takes accounts that satisfy the audience rule on account fields', () => {
    const ownsYAndBig = {
      conditions: {
        all: [
          { field: 'productsOwned', op: 'contains' as const, value: 'Product-Y' },
          { field: 'annualRevenue', op: 'gt' as const, value: 1_000_000 },
          { field: 'attributes.tier', op: 'eq' as const, value: 'Gold' },
        ],
      },
    };
    expect(isInAudience(ownsYAndBig, acme)).toBe(true);
    expect(isInAudience(ownsYAndBig, { ...acme, annualRevenue: 900_000 })).toBe(false);
    expect(isInAudience(ownsYAndBig, { ...acme, productsOwned: [] })).toBe(false);
  });

  it('takes exactly the accounts on a static list', () => {
    expect(isInAudience({ accountIds: ['acc-1', 'acc-2'] }, acme)).toBe(true);
    expect(isInAudience({ accountIds: ['ACC-1'] }, acme)).toBe(false);
    expect(isInAudience({ accountIds: [] }, acme)).toBe(false);
  });
});
