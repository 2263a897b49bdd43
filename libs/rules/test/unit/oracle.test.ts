import { describe, expect, it } from 'vitest';
import {
  computeAllGroups,
  groupKey,
  type OracleAccount,
  type OraclePerson,
  type OracleSolutionInterest,
  type OracleWorld,
} from '../../src/oracle';
import { engagementKey } from '../../src/conditions';
import { EARLIER, EARLIEST, NOW, slot, titleHas } from './fixtures';

// corp ─┬─ div ─── dept
//       ├─ div-2
//       └─ gone (deleted)
// other, lonely: roots
const accounts: OracleAccount[] = [
  { accountId: 'corp', name: 'Corp', annualRevenue: 25_000_000 },
  { accountId: 'div', name: 'Division', parentAccountId: 'corp' },
  { accountId: 'div-2', name: 'Division 2', parentAccountId: 'corp' },
  { accountId: 'dept', name: 'Department', parentAccountId: 'div' },
  { accountId: 'gone', name: 'Gone', parentAccountId: 'corp', deleted: true },
  { accountId: 'other', name: 'Other', annualRevenue: 5_000_000 },
  { accountId: 'lonely', name: 'Lonely' },
];

const cmo = (personId: string, links: [string, string][], extra: Partial<OraclePerson> = {}): OraclePerson => ({
  personId,
  jobTitle: 'CMO',
  accounts: links.map(([accountId, relationship]) => ({ accountId, relationship })),
  ...extra,
});

const persons: OraclePerson[] = [
  // Contractor of corp itself, employee of a grandchild.
  cmo('p-ana', [
    ['dept', 'employee'],
    ['corp', 'contractor'],
  ]),
  // Not linked to corp: the nearest descendant (div, a child) wins over dept (a grandchild), whatever the link order.
  cmo('p-bob', [
    ['dept', 'contractor'],
    ['div', 'employee'],
  ]),
  cmo('p-cai', [['corp', 'employee']], { deleted: true }),
  cmo('p-dee', [['gone', 'employee']]),
  cmo('p-eve', [['other', 'employee']]),
  // Two children of corp: the lower accountId (div) wins over div-2.
  cmo('p-fay', [
    ['div-2', 'contractor'],
    ['div', 'employee'],
  ]),
];

const rollUp: OracleSolutionInterest = {
  solutionInterestId: 'si-roll',
  memberScope: 'account-and-descendants',
  audience: { accountIds: ['corp', 'div', 'gone', 'lonely'] },
  template: {
    slots: [
      slot('Decision Maker', { all: [titleHas('CMO'), { field: 'relationship', op: 'eq', value: 'employee' }] }),
      slot('Champion', { field: 'relationship', op: 'eq', value: 'contractor' }),
    ],
  },
};

const engaged: OracleSolutionInterest = {
  solutionInterestId: 'si-big',
  memberScope: 'account',
  audience: { conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
  template: { slots: [slot('Influencer', { field: 'engagementScore', op: 'gte', value: 50 })] },
};

const world: OracleWorld = {
  accounts,
  persons,
  solutionInterests: [rollUp, engaged],
  overrides: [
    {
      solutionInterestId: 'si-roll',
      accountId: 'corp',
      personId: 'p-fay',
      action: 'remove',
      role: null,
      source: 'manual',
      requestedAt: EARLIER,
    },
  ],
  // A score is the person's at one account: p-ana's 20 at dept does not count in corp's group, her 80 at corp does.
  engagementScores: new Map([
    [engagementKey('corp', 'p-ana'), 80],
    [engagementKey('dept', 'p-ana'), 20],
    [engagementKey('div', 'p-bob'), 90],
    [engagementKey('other', 'p-eve'), 50],
  ]),
  now: NOW,
};

const rolesIn = (groups: ReturnType<typeof computeAllGroups>, key: string) =>
  groups.get(key)?.members.map((member) => [member.personId, member.role]);

describe('computeAllGroups', () => {
  const groups = computeAllGroups(world);

  it('has one group per live account in each audience, empty ones included, in key order', () => {
    expect([...groups.keys()]).toEqual([
      'si-big:corp',
      'si-big:other',
      'si-roll:corp',
      'si-roll:div',
      'si-roll:lonely',
    ]);
    expect(groups.get('si-roll:lonely')).toEqual({
      solutionInterestId: 'si-roll',
      accountId: 'lonely',
      members: [],
      removedMembers: [],
    });
  });

  it('rolls up people of descendants, judging each by the link nearest to the group account', () => {
    expect(rolesIn(groups, 'si-roll:corp')).toEqual([
      ['p-bob', 'Decision Maker'],
      ['p-ana', 'Champion'],
    ]);
    expect(rolesIn(groups, 'si-roll:div')).toEqual([
      ['p-ana', 'Decision Maker'],
      ['p-bob', 'Decision Maker'],
      ['p-fay', 'Decision Maker'],
    ]);
  });

  it('applies an override only to its own group', () => {
    expect(groups.get('si-roll:corp')?.removedMembers).toEqual([
      { personId: 'p-fay', role: 'Decision Maker', source: 'manual', removedAt: EARLIER },
    ]);
    expect(groups.get('si-roll:div')?.removedMembers).toEqual([]);
  });

  it('leaves out deleted people and the people of deleted accounts', () => {
    const everyone = [...groups.values()].flatMap((group) => group.members.map((member) => member.personId));
    expect(everyone).not.toContain('p-cai');
    expect(everyone).not.toContain('p-dee');
  });

  it('keeps to the account itself for the account scope, with engagement scores as a person field', () => {
    // p-bob is engaged too, but linked to descendants only.
    expect(rolesIn(groups, 'si-big:corp')).toEqual([['p-ana', 'Influencer']]);
    expect(rolesIn(groups, 'si-big:other')).toEqual([['p-eve', 'Influencer']]);
  });

  it("reads a person's engagement at the account of the link they are judged by, not at another account", () => {
    const atDeptOnly = new Map([[engagementKey('dept', 'p-ana'), 80]]);
    const again = computeAllGroups({ ...world, engagementScores: atDeptOnly });
    expect(rolesIn(again, 'si-big:corp')).toEqual([]);
  });

  it('carries since over from the previous membership it is given', () => {
    const members = (groups.get('si-big:other')?.members ?? []).map((member) => ({ ...member, since: EARLIEST }));
    const previous = new Map([[groupKey('si-big', 'other'), { members, removedMembers: [] }]]);
    const again = computeAllGroups({ ...world, previous, now: '2026-12-24T00:00:00Z' });
    expect(again.get('si-big:other')?.members[0]?.since).toBe(EARLIEST);
    expect(again.get('si-roll:div')?.members[0]?.since).toBe('2026-12-24T00:00:00Z');
  });

  it('dissolves every group of an account once it is deleted', () => {
    const corpGone = accounts.map((account) =>
      account.accountId === 'corp' ? { ...account, deleted: true } : account,
    );
    const keys = [...computeAllGroups({ ...world, accounts: corpGone }).keys()];
    expect(keys).toEqual(['si-big:other', 'si-roll:div', 'si-roll:lonely']);
  });
});
