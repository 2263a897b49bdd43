import { syntheticCrm } from './synthetic-won-deals';

/** A small, hand-made dataset that shows every feature at a glance: hierarchy, several roles, a missing role. */
const at = '2026-11-26T09:00:00Z';

export const demoAccounts = [
  {
    accountId: 'acme',
    name: 'Acme Corp',
    domain: 'acme.example',
    parentAccountId: null,
    industry: 'Manufacturing',
    annualRevenue: 250_000_000,
    employeeCount: 12_000,
    country: 'US',
    productsOwned: ['product-y'],
  },
  {
    accountId: 'acme-eu',
    name: 'Acme Europe',
    domain: 'eu.acme.example',
    parentAccountId: 'acme',
    industry: 'Manufacturing',
    annualRevenue: 40_000_000,
    employeeCount: 900,
    country: 'DE',
    productsOwned: [],
  },
  {
    accountId: 'globex',
    name: 'Globex',
    domain: 'globex.example',
    parentAccountId: null,
    industry: 'Software',
    annualRevenue: 12_000_000,
    employeeCount: 300,
    country: 'US',
    productsOwned: ['product-y'],
  },
  {
    accountId: 'umbrella',
    name: 'Umbrella Labs',
    domain: 'umbrella.example',
    parentAccountId: null,
    industry: 'Healthcare',
    annualRevenue: 3_000_000,
    employeeCount: 80,
    country: 'FR',
    productsOwned: [],
  },
  {
    accountId: 'initech',
    name: 'Initech',
    domain: 'initech.example',
    parentAccountId: null,
    industry: 'Finance',
    annualRevenue: 800_000,
    employeeCount: 40,
    country: 'GB',
    productsOwned: [],
  },
].map((a) => ({ ...a, attributes: {}, updatedAt: at }));

const people: [string, string, string, string, string, string][] = [
  // personId, first, last, title, seniority, account
  ['p-ana', 'Ana', 'Ruiz', 'Chief Marketing Officer', 'C-Level', 'acme'],
  ['p-ben', 'Ben', 'Okafor', 'CTO', 'C-Level', 'acme'],
  ['p-chloe', 'Chloé', 'Martin', 'VP of Engineering', 'VP', 'acme-eu'],
  ['p-dev', 'Dev', 'Patel', 'Senior Software Engineer', 'Individual Contributor', 'acme'],
  ['p-eva', 'Eva', 'Schmidt', 'Director of IT', 'Director', 'acme-eu'],
  ['p-fay', 'Fay', 'Nguyen', 'Marketing Manager', 'Manager', 'globex'],
  ['p-gus', 'Gus', 'Brown', 'Head of Engineering', 'Director', 'globex'],
  ['p-hal', 'Hal', 'Iyer', 'Chief Information Security Officer', 'C-Level', 'initech'],
  ['p-ivy', 'Ivy', 'Lopez', 'Software Engineer', 'Individual Contributor', 'umbrella'],
];

export const demoPersons = people.map(([personId, firstName, lastName, jobTitle, seniority, accountId]) => ({
  personId,
  email: `${firstName.toLowerCase()}@${demoAccounts.find((a) => a.accountId === accountId)!.domain}`,
  firstName,
  lastName,
  jobTitle,
  department: /market/i.test(jobTitle) ? 'Marketing' : 'Engineering',
  seniority,
  country: demoAccounts.find((a) => a.accountId === accountId)!.country,
  accounts: [{ accountId, relationship: personId === 'p-dev' ? 'contractor' : 'employee' }],
  attributes: {},
  updatedAt: at,
}));

export const demoActivities = [
  ['p-ana', 'acme', 'email.opened'],
  ['p-ana', 'acme', 'meeting.completed'],
  ['p-ben', 'acme', 'page.viewed'],
  ['p-fay', 'globex', 'form.submitted'],
].map(([personId, accountId, activityType], i) => ({
  activityId: `demo-act-${i}`,
  personId,
  accountId,
  activityType,
  occurredAt: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
  attributes: {},
}));

// Every slot field is spelled out, defaults included, as the API stores it: a later start then finds it unchanged.
export const demoRoleTemplate = {
  name: 'Developer tools buyers',
  slots: [
    {
      role: 'Decision Maker',
      weight: 100,
      required: true,
      minMembers: 1,
      maxMembers: 2,
      conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO', 'Chief'] },
    },
    {
      role: 'Influencer',
      weight: 80,
      required: true,
      minMembers: 1,
      conditions: {
        any: [
          { field: 'jobTitle', op: 'containsAny', value: ['VP of Engineering', 'Head of Engineering'] },
          { field: 'seniority', op: 'eq', value: 'VP' },
        ],
      },
    },
    {
      role: 'Practitioner',
      weight: 60,
      required: false,
      minMembers: 2,
      conditions: { field: 'jobTitle', op: 'containsAny', value: ['Engineer', 'Developer', 'Director of IT'] },
    },
  ],
};

export const demoAudience = {
  name: 'Accounts over 1M revenue',
  conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 },
};

export const demoSolutionInterestId = 'si-devtools';

export const demoSolutionInterest = {
  name: 'Dev Tools Cloud',
  roleTemplateId: 'rt-devtools',
  audienceId: 'aud-1m',
  memberScope: 'account-and-descendants',
};

/**
 * Past customers and their deals, so the AI model of CONTRACT.md §8 trains at start and `generate` answers at once.
 * Seeded and timed from the start of the day, so a second start the same day publishes the same records (equal: no-ops)
 * and the deals stay inside the look-back window. Their revenue keeps them out of the demo audience: they teach the
 * model without adding groups to the list.
 */
export function wonDealHistory(today: Date) {
  const now = `${today.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const crm = syntheticCrm({ seed: 2026, accounts: 30, now, idPrefix: 'hist' });
  return { ...crm, accounts: crm.accounts.map((a) => ({ ...a, annualRevenue: 900_000 })) };
}
