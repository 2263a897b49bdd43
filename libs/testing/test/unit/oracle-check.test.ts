import { describe, expect, it } from 'vitest';
import { roleSlotSchema, type AccountUpserted, type PersonUpserted } from '@bg/contracts';
import type { OracleSolutionInterest } from '@bg/rules';
import { compareWithOracle, type PublishedGroup } from '../../src/oracle-check';

const at = '2026-11-01T00:00:00.000Z';
const account = (accountId: string, annualRevenue: number): AccountUpserted => ({
  accountId,
  name: accountId,
  domain: `${accountId}.example`,
  parentAccountId: null,
  industry: 'Software',
  annualRevenue,
  employeeCount: 100,
  country: 'US',
  productsOwned: [],
  attributes: {},
  updatedAt: at,
});
const person = (personId: string, accountId: string, jobTitle: string): PersonUpserted => ({
  personId,
  email: `${personId}@example.com`,
  firstName: 'F',
  lastName: personId,
  jobTitle,
  department: 'Engineering',
  seniority: 'Individual Contributor',
  country: 'US',
  accounts: [{ accountId, relationship: 'employee' }],
  attributes: {},
  updatedAt: at,
});
const interest: OracleSolutionInterest = {
  solutionInterestId: 'si',
  memberScope: 'account',
  template: {
    slots: [
      roleSlotSchema.parse({
        role: 'Practitioner',
        conditions: { field: 'jobTitle', op: 'contains', value: 'Engineer' },
      }),
    ],
  },
  audience: { conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
};
const world = {
  accounts: [account('acc-big', 5_000_000), account('acc-small', 10)],
  persons: [person('p1', 'acc-big', 'Software Engineer'), person('p2', 'acc-big', 'Office Clerk')],
  interests: [interest],
};

/** A group's latest published version with these rule members. */
function published(
  accountId: string,
  { status = 'active', members = [] }: { status?: 'active' | 'dissolved'; members?: string[] } = {},
): PublishedGroup {
  return {
    accountId,
    solutionInterestId: 'si',
    version: 1,
    status,
    members: members.map((personId) => ({
      personId,
      role: 'Practitioner',
      source: 'rule',
      since: at,
      reason: { slot: 0, matched: [] },
    })),
    removedMembers: [],
  };
}

describe('the oracle check', () => {
  it('passes when every active group has the oracle members', () => {
    const result = compareWithOracle([published('acc-big', { members: ['p1'] })], world);
    expect(result.detail).toContain('1 active groups (1 members) equal');
    expect(result.pass).toBe(true);
  });

  it('fails on a member too many or too few, and names them', () => {
    const extra = compareWithOracle([published('acc-big', { members: ['p1', 'p2'] })], world);
    expect(extra.pass).toBe(false);
    expect(extra.detail).toContain('unexpected [p2:Practitioner:rule]');
    const missing = compareWithOracle([published('acc-big', { members: [] })], world);
    expect(missing.pass).toBe(false);
    expect(missing.detail).toContain('missing [p1:Practitioner:rule]');
  });

  it('fails when a group the oracle has was never published or was dissolved, or one it lacks is active', () => {
    expect(compareWithOracle([], world).pass).toBe(false);
    expect(compareWithOracle([published('acc-big', { status: 'dissolved', members: ['p1'] })], world).pass).toBe(false);
    const stray = compareWithOracle([published('acc-big', { members: ['p1'] }), published('acc-small')], world);
    expect(stray.pass).toBe(false);
    expect(stray.detail).toContain('si:acc-small: published as active (v1), the oracle has no such group');
  });
});
