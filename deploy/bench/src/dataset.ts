import type { AccountUpserted, ActivityRecorded, PersonUpserted, SolutionInterestDefined } from '@bg/contracts';
import { activityTypes } from '@bg/contracts';
import { generateAccounts, generatePersons, pick, seededRandom } from '@bg/testing';

/** `skew`: how unevenly people spread over accounts (2.5 = a few very large accounts; 1 = even). */
export type BenchSize = { accounts: number; persons: number; activitiesPerPerson: number; seed: number; skew: number };

export const presets: Record<'quick' | 'full', BenchSize> = {
  quick: { accounts: 1_000, persons: 10_000, activitiesPerPerson: 1, seed: 7, skew: 2.5 },
  full: { accounts: 100_000, persons: 1_000_000, activitiesPerPerson: 1, seed: 7, skew: 2.5 },
};

/**
 * `count` solution interests: first three with different templates and audiences, as a real tenant would have; then,
 * for a tenant that has lived a while, more whose static audiences cover a handful of accounts each — so most of them
 * do not cover the account a given update is about.
 */
export function benchSolutionInterests(
  now: string,
  count: number,
  accounts: readonly AccountUpserted[],
): SolutionInterestDefined[] {
  const [devtools] = baseInterests(now);
  const extra = Array.from({ length: Math.max(0, count - 3) }, (_, i): SolutionInterestDefined => ({
    ...devtools!,
    solutionInterestId: `si-extra-${String(i + 1).padStart(3, '0')}`,
    name: `Campaign ${i + 1}`,
    audience: {
      id: `aud-extra-${i + 1}`,
      name: `Five named accounts (${i + 1})`,
      accountIds: Array.from({ length: 5 }, (_, j) => accounts[(i * 7919 + j * 104_729) % accounts.length]!.accountId),
    },
    revision: 4 + i,
  }));
  return [...baseInterests(now), ...extra].slice(0, count);
}

function baseInterests(now: string): SolutionInterestDefined[] {
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
  const persons: PersonUpserted[] = generatePersons(random, size.persons, accounts, updatedAt, size.skew);
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
