import type { AccountUpserted, ActivityRecorded, PersonUpserted, SolutionInterestDefined } from '@bg/contracts';
import { activityTypes } from '@bg/contracts';
import { generateAccounts, generatePersons, pick, seededRandom } from '@bg/testing';

export type BenchSize = { accounts: number; persons: number; activitiesPerPerson: number; seed: number };

export const presets: Record<'quick' | 'full', BenchSize> = {
  quick: { accounts: 1_000, persons: 10_000, activitiesPerPerson: 1, seed: 7 },
  full: { accounts: 100_000, persons: 1_000_000, activitiesPerPerson: 1, seed: 7 },
};

/** Three solution interests with different templates and audiences, as a real tenant would have. */
export function benchSolutionInterests(now: string): SolutionInterestDefined[] {
  return [
    {
      solutionInterestId: 'si-devtools',
      name: 'Dev Tools Cloud',
      memberScope: 'account',
      template: {
        id: 'rt-devtools',
        version: 1,
        name: 'Engineering buyers',
        slots: [
          {
            role: 'Decision Maker',
            weight: 100,
            required: true,
            minMembers: 1,
            maxMembers: null,
            conditions: {
              field: 'jobTitle',
              op: 'containsAny',
              value: ['Chief Marketing', 'CMO', 'CTO', 'Chief Technology'],
            },
          },
          {
            role: 'Influencer',
            weight: 80,
            required: true,
            minMembers: 1,
            maxMembers: 3,
            conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['VP', 'Director', 'Head'] },
          },
          {
            role: 'Practitioner',
            weight: 60,
            required: false,
            minMembers: 2,
            maxMembers: 5,
            conditions: { field: 'jobTitle', op: 'containsAny', value: ['engineer', 'developer', 'devops'] },
          },
        ],
      },
      // Every account: steady-state updates always land in a group.
      audience: { id: 'aud-all', name: 'All accounts', conditions: { field: 'annualRevenue', op: 'gte', value: 0 } },
      definedAt: now,
      revision: 1,
    },
    {
      solutionInterestId: 'si-security',
      name: 'Security Suite',
      memberScope: 'account-and-descendants',
      template: {
        id: 'rt-security',
        version: 1,
        name: 'Security buyers',
        slots: [
          {
            role: 'Decision Maker',
            weight: 100,
            required: true,
            minMembers: 1,
            maxMembers: 1,
            conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CISO', 'Security'] },
          },
          {
            role: 'Influencer',
            weight: 80,
            required: true,
            minMembers: 1,
            maxMembers: 2,
            conditions: {
              any: [
                { field: 'department', op: 'eq', value: 'Legal' },
                { field: 'jobTitle', op: 'contains', value: 'counsel' },
              ],
            },
          },
          {
            role: 'Executive Sponsor',
            weight: 60,
            required: false,
            minMembers: 1,
            maxMembers: 1,
            conditions: { field: 'seniority', op: 'eq', value: 'C-Level' },
          },
        ],
      },
      audience: {
        id: 'aud-big',
        name: 'Revenue over 10M',
        conditions: { field: 'annualRevenue', op: 'gt', value: 10_000_000 },
      },
      definedAt: now,
      revision: 2,
    },
    {
      solutionInterestId: 'si-marketing',
      name: 'Marketing Cloud cross-sell',
      memberScope: 'account',
      template: {
        id: 'rt-marketing',
        version: 1,
        name: 'Marketing buyers',
        slots: [
          {
            role: 'Decision Maker',
            weight: 100,
            required: true,
            minMembers: 1,
            maxMembers: 2,
            conditions: {
              field: 'jobTitle',
              op: 'containsAny',
              value: ['Chief Marketing', 'CMO', 'VP Marketing', 'Vice President, Marketing'],
            },
          },
          {
            role: 'Practitioner',
            weight: 40,
            required: false,
            minMembers: 1,
            maxMembers: 10,
            conditions: { field: 'department', op: 'eq', value: 'Marketing' },
          },
        ],
      },
      audience: {
        id: 'aud-product-y',
        name: 'Owners of product Y',
        conditions: { field: 'productsOwned', op: 'contains', value: 'product-y' },
      },
      definedAt: now,
      revision: 3,
    },
  ];
}

export function generateDataset(size: BenchSize, updatedAt: string) {
  const random = seededRandom(size.seed);
  const accounts: AccountUpserted[] = generateAccounts(random, size.accounts, updatedAt);
  const persons: PersonUpserted[] = generatePersons(random, size.persons, accounts, updatedAt);
  const activities: ActivityRecorded[] = [];
  const now = Date.now();
  for (const person of persons) {
    for (let i = 0; i < size.activitiesPerPerson; i++) {
      activities.push({
        activityId: `act-${person.personId}-${i}`,
        personId: person.personId,
        accountId: person.accounts[0]!.accountId,
        activityType: pick(random, activityTypes),
        occurredAt: new Date(now - Math.floor(random() * 20 * 86_400_000)).toISOString(),
        attributes: {},
      });
    }
  }
  return { accounts, persons, activities };
}
