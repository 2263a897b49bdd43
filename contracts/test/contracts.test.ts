import { describe, expect, it } from 'vitest';
import { accountUpsertedSchema, buyingGroupId, conditionNodeSchema, personUpsertedSchema } from '../src/index';

describe('contracts', () => {
  it('accepts the CONTRACT.md examples as they are written', () => {
    expect(
      accountUpsertedSchema.safeParse({
        accountId: 'acc-1',
        name: 'Acme Corp',
        domain: 'acme.example',
        parentAccountId: null,
        industry: 'Manufacturing',
        annualRevenue: 25000000,
        employeeCount: 1200,
        country: 'US',
        productsOwned: ['product-y'],
        attributes: { tier: 'gold' },
        updatedAt: '2026-11-26T09:59:58Z',
      }).success,
    ).toBe(true);
    expect(
      personUpsertedSchema.safeParse({
        personId: 'p-1',
        email: 'ana@acme.example',
        firstName: 'Ana',
        lastName: 'Ruiz',
        jobTitle: 'Chief Marketing Officer',
        department: 'Marketing',
        seniority: 'C-Level',
        country: 'US',
        accounts: [
          { accountId: 'acc-1', relationship: 'employee' },
          { accountId: 'acc-7', relationship: 'contractor' },
        ],
        attributes: {},
        updatedAt: '2026-11-26T09:59:58Z',
      }).success,
    ).toBe(true);
    expect(
      conditionNodeSchema.safeParse({
        all: [
          { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] },
          {
            any: [
              { field: 'relationship', op: 'eq', value: 'employee' },
              { field: 'seniority', op: 'in', value: ['C-Level', 'VP'] },
            ],
          },
        ],
      }).success,
    ).toBe(true);
  });

  it('derives the buying group id deterministically from (solution interest, account)', () => {
    expect(buyingGroupId('si-x', 'acc-1')).toBe(buyingGroupId('si-x', 'acc-1'));
    expect(buyingGroupId('si-x', 'acc-1')).not.toBe(buyingGroupId('si-x', 'acc-2'));
    expect(buyingGroupId('si-x', 'acc-1')).not.toBe(buyingGroupId('si-xa', 'cc-1'));
    expect(buyingGroupId('si-x', 'acc-1')).toMatch(/^bg-[0-9a-f]{24}$/);
  });
});
