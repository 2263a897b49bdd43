import type { AccountUpserted, PersonUpserted } from '@bg/contracts';

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same dataset on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = ReturnType<typeof seededRandom>;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Job titles with their weight, seniority: the shape of a real CRM, variants and typos included. */
const titles: [string, number, string][] = [
  ['Chief Executive Officer', 2, 'C-Level'],
  ['CEO', 2, 'C-Level'],
  ['Chief Marketing Officer', 2, 'C-Level'],
  ['CMO', 1, 'C-Level'],
  ['Chief Technology Officer', 2, 'C-Level'],
  ['CTO & Co-founder', 1, 'C-Level'],
  ['Chief Information Security Officer', 1, 'C-Level'],
  ['CISO', 1, 'C-Level'],
  ['VP of Engineering', 3, 'VP'],
  ['Vice President, Marketing', 3, 'VP'],
  ['VP Sales', 3, 'VP'],
  ['Director of IT', 4, 'Director'],
  ['IT Director', 3, 'Director'],
  ['Director, Legal', 2, 'Director'],
  ['General Counsel', 1, 'Director'],
  ['Head of Security', 2, 'Director'],
  ['Engineering Manager', 6, 'Manager'],
  ['Marketing Manager', 6, 'Manager'],
  ['Mangaer, Procurement', 1, 'Manager'],
  ['Procurement Manager', 3, 'Manager'],
  ['Software Engineer', 20, 'Individual Contributor'],
  ['Senior Software Engineer', 12, 'Individual Contributor'],
  ['Sofware Developer', 2, 'Individual Contributor'],
  ['Data Analyst', 8, 'Individual Contributor'],
  ['Security Analyst', 5, 'Individual Contributor'],
  ['Marketing Specialist', 8, 'Individual Contributor'],
  ['Contractor - DevOps', 4, 'Individual Contributor'],
  ['Intern', 3, 'Intern'],
];
const totalWeight = titles.reduce((sum, [, weight]) => sum + weight, 0);
const industries = ['Manufacturing', 'Software', 'Finance', 'Healthcare', 'Retail', 'Energy'];
const countries = ['US', 'GB', 'DE', 'FR', 'ES', 'JP', 'BR'];

export function randomTitle(random: Random): { jobTitle: string; seniority: string } {
  let roll = random() * totalWeight;
  for (const [jobTitle, weight, seniority] of titles) {
    roll -= weight;
    if (roll < 0) return { jobTitle, seniority };
  }
  return { jobTitle: 'Software Engineer', seniority: 'Individual Contributor' };
}

/** Accounts: a tenth are corporations, a third of the rest hang under one of them (two levels at most). */
export function generateAccounts(random: Random, count: number, updatedAt: string): AccountUpserted[] {
  const accounts: AccountUpserted[] = [];
  for (let i = 0; i < count; i++) {
    const accountId = `acc-${String(i).padStart(6, '0')}`;
    const roots = Math.max(1, Math.floor(count / 10));
    const parentAccountId =
      i >= roots && random() < 0.33 ? accounts[Math.floor(random() * Math.min(i, roots * 2))]!.accountId : null;
    accounts.push({
      accountId,
      name: `Company ${i}`,
      domain: `company${i}.example`,
      parentAccountId: parentAccountId === accountId ? null : parentAccountId,
      industry: pick(random, industries),
      annualRevenue: Math.round(10 ** (5 + random() * 4)),
      employeeCount: Math.round(10 ** (1 + random() * 4)),
      country: pick(random, countries),
      productsOwned: random() < 0.3 ? ['product-y'] : [],
      attributes: {},
      updatedAt,
    });
  }
  return accounts;
}

/**
 * People per account follow a skewed (Pareto-like) distribution — `skew` 2.5 by default; 1 spreads them evenly — and a
 * few work with a second account as contractors.
 */
export function generatePersons(
  random: Random,
  count: number,
  accounts: AccountUpserted[],
  updatedAt: string,
  skew = 2.5,
): PersonUpserted[] {
  const persons: PersonUpserted[] = [];
  for (let i = 0; i < count; i++) {
    const home = accounts[Math.floor(accounts.length * random() ** skew)]!;
    const links = [{ accountId: home.accountId, relationship: 'employee' }];
    if (random() < 0.05) {
      const other = pick(random, accounts);
      if (other.accountId !== home.accountId) links.push({ accountId: other.accountId, relationship: 'contractor' });
    }
    persons.push(randomPerson(random, `per-${String(i).padStart(7, '0')}`, links, updatedAt));
  }
  return persons;
}

export function randomPerson(
  random: Random,
  personId: string,
  accounts: PersonUpserted['accounts'],
  updatedAt: string,
): PersonUpserted {
  const { jobTitle, seniority } = randomTitle(random);
  return {
    personId,
    email: `${personId}@example.com`,
    firstName: 'First',
    lastName: personId,
    jobTitle,
    department: /market/i.test(jobTitle) ? 'Marketing' : /legal|counsel/i.test(jobTitle) ? 'Legal' : 'Engineering',
    seniority,
    country: 'US',
    accounts,
    attributes: {},
    updatedAt,
  };
}
