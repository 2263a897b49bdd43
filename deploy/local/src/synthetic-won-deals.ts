import type { AccountUpserted, OpportunityUpserted, PersonUpserted } from '@bg/contracts';
import { pick, seededRandom } from '@bg/testing';

/**
 * A realistic synthetic CRM with ground-truth roles, for the AI evaluation (`npm run ai:eval`) and the AI system
 * test: accounts, their people (titles in many spellings — abbreviations, punctuation, casing, typos — several
 * departments and seniorities) and opportunities, won, lost and open, whose contact roles are the people's true roles
 * except for some noise (a role that contradicts the title, as CRMs have). Seeded: the same seed, the same CRM.
 */
export type SyntheticCrm = {
  accounts: AccountUpserted[];
  persons: PersonUpserted[];
  opportunities: OpportunityUpserted[];
  /** Each person's true role. */
  truth: Map<string, string>;
};

type Persona = { titles: string[]; seniority: string[]; department: string[] };

/** Title families per role, in the spellings CRMs hold (abbreviations included). */
export const personas: Record<string, Persona[]> = {
  'Decision Maker': [
    {
      titles: ['Chief Technology Officer', 'CTO', 'Chief Technical Officer'],
      seniority: ['C-Level', 'Executive'],
      department: ['IT', 'Engineering'],
    },
    { titles: ['Chief Information Officer', 'CIO'], seniority: ['C-Level'], department: ['IT'] },
    { titles: ['Chief Marketing Officer', 'CMO'], seniority: ['C-Level', 'Executive'], department: ['Marketing'] },
    { titles: ['Chief Digital Officer', 'CDO'], seniority: ['C-Level'], department: ['Digital', 'IT'] },
  ],
  'Executive Sponsor': [
    {
      titles: ['Chief Executive Officer', 'CEO', 'Founder & CEO'],
      seniority: ['C-Level', 'Owner'],
      department: ['Executive'],
    },
    { titles: ['Chief Financial Officer', 'CFO'], seniority: ['C-Level'], department: ['Finance'] },
    { titles: ['President', 'General Manager'], seniority: ['C-Level', 'Owner'], department: ['Executive'] },
  ],
  Influencer: [
    {
      titles: ['VP of Engineering', 'Vice President, Engineering', 'VP Engineering', 'SVP Engineering'],
      seniority: ['VP', 'Executive'],
      department: ['Engineering'],
    },
    { titles: ['VP IT', 'Vice President of IT', 'Head of IT'], seniority: ['VP'], department: ['IT'] },
    {
      titles: ['Head of Engineering', 'Head of Platform', 'VP Technology'],
      seniority: ['VP', 'Director'],
      department: ['Engineering', 'IT'],
    },
  ],
  Champion: [
    {
      titles: ['Engineering Manager', 'Eng. Manager', 'Mgr, Engineering', 'Software Engineering Manager'],
      seniority: ['Manager', 'Senior'],
      department: ['Engineering'],
    },
    {
      titles: ['IT Manager', 'Manager, IT Operations', 'IT Ops Manager'],
      seniority: ['Manager', 'Director'],
      department: ['IT'],
    },
    {
      titles: ['DevOps Manager', 'Team Lead, Platform', 'Platform Team Lead'],
      seniority: ['Manager'],
      department: ['Engineering'],
    },
  ],
  Practitioner: [
    {
      titles: ['Software Engineer', 'Senior Software Engineer', 'Sr. Software Engineer', 'Software Developer'],
      seniority: ['Individual Contributor', 'Senior'],
      department: ['Engineering'],
    },
    {
      titles: ['DevOps Engineer', 'Site Reliability Engineer', 'SRE', 'Platform Engineer'],
      seniority: ['Individual Contributor', 'Senior'],
      department: ['Engineering'],
    },
    {
      titles: ['Systems Administrator', 'Sysadmin', 'IT Administrator', 'Network Engineer'],
      seniority: ['Individual Contributor'],
      department: ['IT'],
    },
    {
      titles: ['Backend Developer', 'Full Stack Developer', 'Sr Developer'],
      seniority: ['Individual Contributor', 'Senior'],
      department: ['Engineering'],
    },
  ],
};

/** How common each role is among an account's people. */
const roleShares: [string, number][] = [
  ['Practitioner', 0.35],
  ['Champion', 0.2],
  ['Influencer', 0.2],
  ['Decision Maker', 0.15],
  ['Executive Sponsor', 0.1],
];

export type SyntheticOptions = {
  seed: number;
  accounts: number;
  now: string;
  /** Share of title words misspelt. */
  typos?: number;
  /** Share of contact roles that contradict the person's title. */
  noise?: number;
  idPrefix?: string;
};

export function syntheticCrm(options: SyntheticOptions): SyntheticCrm {
  const random = seededRandom(options.seed);
  const typos = options.typos ?? 0.05;
  const noise = options.noise ?? 0.07;
  const prefix = options.idPrefix ?? 'syn';
  const now = Date.parse(options.now);
  const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  const roles = Object.keys(personas);
  const crm: SyntheticCrm = { accounts: [], persons: [], opportunities: [], truth: new Map() };
  for (let a = 0; a < options.accounts; a += 1) {
    const accountId = `${prefix}-acc-${a}`;
    crm.accounts.push({
      accountId,
      name: `Account ${a}`,
      domain: `a${a}.example`,
      parentAccountId: null,
      industry: pick(random, ['Software', 'Manufacturing', 'Finance', 'Healthcare']),
      annualRevenue: 1_000_000 + Math.floor(random() * 100_000_000),
      employeeCount: 50 + Math.floor(random() * 5000),
      country: pick(random, ['US', 'DE', 'FR', 'GB']),
      productsOwned: [],
      attributes: {},
      updatedAt: at(800),
    });
    const people: { personId: string; role: string }[] = [];
    const size = 6 + Math.floor(random() * 6);
    for (let p = 0; p < size; p += 1) {
      const role = weighted(roleShares, random());
      const persona = pick(random, personas[role]!);
      const personId = `${prefix}-p-${a}-${p}`;
      crm.truth.set(personId, role);
      people.push({ personId, role });
      crm.persons.push({
        personId,
        email: `${personId}@a${a}.example`,
        firstName: 'Pat',
        lastName: `P${p}`,
        jobTitle: misspell(restyle(pick(random, persona.titles), random), typos, random),
        // CRMs often lack department and seniority.
        department: random() < 0.2 ? null : pick(random, persona.department),
        seniority: random() < 0.25 ? null : pick(random, persona.seniority),
        country: 'US',
        accounts: [{ accountId, relationship: 'employee' }],
        attributes: {},
        updatedAt: at(700),
      });
    }
    const deals = 1 + Math.floor(random() * 3);
    for (let d = 0; d < deals; d += 1) {
      const stage = random() < 0.75 ? 'won' : pick(random, ['lost', 'open'] as const);
      const contacts = shuffle(people, random).slice(0, 3 + Math.floor(random() * 4));
      crm.opportunities.push({
        opportunityId: `${prefix}-opp-${a}-${d}`,
        accountId,
        solutionInterestId: null,
        productName: 'Dev Platform',
        stage,
        closedAt: stage === 'open' ? null : at(10 + Math.floor(random() * 500)),
        contactRoles: contacts.map(({ personId, role }) => ({
          personId,
          role:
            random() < noise
              ? pick(
                  random,
                  roles.filter((r) => r !== role),
                )
              : role,
        })),
        updatedAt: at(5),
      });
    }
  }
  return crm;
}

/** Casing and punctuation as CRMs hold them. */
function restyle(title: string, random: () => number): string {
  const r = random();
  if (r < 0.1) return title.toUpperCase();
  if (r < 0.2) return title.toLowerCase();
  if (r < 0.25) return title.replace(/ of /i, ', ');
  return title;
}

/** A letter dropped or two swapped in one longer word, now and then. */
function misspell(title: string, rate: number, random: () => number): string {
  if (random() >= rate) return title;
  const words = title.split(' ');
  const long = words.map((w, i) => (w.length >= 6 ? i : -1)).filter((i) => i >= 0);
  if (long.length === 0) return title;
  const i = long[Math.floor(random() * long.length)]!;
  const w = words[i]!;
  const at = 1 + Math.floor(random() * (w.length - 2));
  words[i] = random() < 0.5 ? w.slice(0, at) + w.slice(at + 1) : w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  return words.join(' ');
}

function weighted(shares: [string, number][], r: number): string {
  let sum = 0;
  for (const [value, share] of shares) {
    sum += share;
    if (r < sum) return value;
  }
  return shares[shares.length - 1]![0];
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
