import type { AccountUpserted, PersonUpserted } from '@bg/contracts';

/** A complete `account.upserted` record for tests; override what the test is about. */
export function accountRecord(accountId: string, overrides: Partial<AccountUpserted> = {}): AccountUpserted {
  return {
    accountId,
    name: `Account ${accountId}`,
    domain: `${accountId}.example`,
    parentAccountId: null,
    industry: 'Manufacturing',
    annualRevenue: 25_000_000,
    employeeCount: 1200,
    country: 'US',
    productsOwned: [],
    attributes: {},
    updatedAt: '2026-11-26T10:00:00Z',
    ...overrides,
  };
}

/** A complete `person.upserted` record for tests, linked to `links` (`[accountId, relationship]`, employee by default). */
export function personRecord(
  personId: string,
  links: (string | [string, string])[],
  overrides: Partial<PersonUpserted> = {},
): PersonUpserted {
  return {
    personId,
    email: `${personId}@acme.example`,
    firstName: 'Ana',
    lastName: 'Ruiz',
    jobTitle: 'Chief Marketing Officer',
    department: 'Marketing',
    seniority: 'C-Level',
    country: 'US',
    accounts: links.map((link) =>
      typeof link === 'string'
        ? { accountId: link, relationship: 'employee' }
        : { accountId: link[0], relationship: link[1] },
    ),
    attributes: {},
    updatedAt: '2026-11-26T10:00:00Z',
    ...overrides,
  };
}
