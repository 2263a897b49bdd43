import { describe, expect, it } from 'vitest';
import type { BuyingGroupChanged, RoleSlot } from '@bg/contracts';
import {
  candidatesInScope,
  linksByAccount,
  overridesOf,
  previewAccount,
  PreviewTally,
  type AccountInput,
  type PreviewRules,
} from '../../src/domain/preview';

const now = '2026-11-26T12:00:00.000Z';
const slot = (role: string, conditions: RoleSlot['conditions'], maxMembers?: number): RoleSlot => ({
  role,
  weight: 60,
  required: true,
  minMembers: 1,
  maxMembers,
  conditions,
});
const dm = slot('Decision Maker', { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO'] });
const influencer = slot('Influencer', { field: 'seniority', op: 'eq', value: 'VP' });
const current: PreviewRules = {
  slots: [dm],
  audience: { conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
};

const person = (personId: string, jobTitle: string, seniority = 'Staff') => ({
  personId,
  jobTitle,
  seniority,
  email: `${personId}@x.example`,
});
const acme = { accountId: 'acc-1', name: 'Acme', annualRevenue: 5_000_000 };
const small = { accountId: 'acc-2', name: 'Small', annualRevenue: 10_000 };
const links = linksByAccount([
  { accountId: 'acc-1', relationship: 'employee', person: person('p-cto', 'CTO'), engagementScore: 42 },
  { accountId: 'acc-1', relationship: 'employee', person: person('p-vp', 'VP Sales', 'VP') },
  { accountId: 'acc-1a', relationship: 'contractor', person: person('p-cto', 'CTO'), engagementScore: 7 },
  { accountId: 'acc-1a', relationship: 'employee', person: person('p-dev', 'Developer') },
]);
const input = (account: AccountInput['account'], existing: AccountInput['existing'] = null): AccountInput => ({
  account,
  buyingGroupId: `bg-${account.accountId}`,
  candidates: candidatesInScope([account.accountId], links),
  existing,
});

describe('preview of one account', () => {
  it('finds the members a candidate slot would add to a group that stays', () => {
    const outcome = previewAccount(input(acme), current, { slots: [dm, influencer], audience: null }, now);
    expect(outcome).toEqual({
      kind: 'changed',
      changes: [{ kind: 'member.added', personId: 'p-vp', role: 'Influencer', source: 'rule' }],
    });
    expect(previewAccount(input(acme), current, { slots: [dm], audience: null }, now)).toEqual({ kind: 'unchanged' });
  });

  it('creates or dissolves groups when the candidate audience moves an account in or out', () => {
    const wider = { conditions: { field: 'annualRevenue', op: 'gt', value: 0 } } as const;
    expect(previewAccount(input(small), current, { slots: null, audience: wider }, now)).toEqual({
      kind: 'created',
      members: [],
    });
    const none = { accountIds: [] };
    const dissolved = previewAccount(input(acme), current, { slots: null, audience: none }, now);
    expect(dissolved).toMatchObject({ kind: 'dissolved', members: [{ personId: 'p-cto', role: 'Decision Maker' }] });
    expect(previewAccount(input(small), current, { slots: null, audience: none }, now)).toEqual({ kind: 'outside' });
    // The template is the same and the account stays in: nothing to compare.
    expect(previewAccount(input(acme), current, { slots: null, audience: wider }, now)).toEqual({ kind: 'unchanged' });
  });

  it('starts from the projected snapshot and keeps its explicit edits', () => {
    const snapshot = {
      status: 'active',
      members: [
        { personId: 'p-vp', role: 'Champion', source: 'manual', since: now, reason: { slot: null, matched: [] } },
      ],
      removedMembers: [{ personId: 'p-cto', role: 'Decision Maker', source: 'manual', removedAt: now }],
    } satisfies Pick<BuyingGroupChanged, 'status' | 'members' | 'removedMembers'>;
    // Without the snapshot the CTO would be a Decision Maker; the manual removal keeps them out under the candidate too.
    expect(previewAccount(input(acme, snapshot), current, { slots: [dm, influencer], audience: null }, now)).toEqual({
      kind: 'unchanged',
    });
    expect(overridesOf(snapshot)).toEqual([
      { personId: 'p-vp', action: 'add', role: 'Champion', source: 'manual', requestedAt: now },
      { personId: 'p-cto', action: 'remove', role: 'Decision Maker', source: 'manual', requestedAt: now },
    ]);
  });
});

describe('candidates in scope', () => {
  it('judges a person by the link to the nearest account in scope', () => {
    const candidates = candidatesInScope(['acc-1', 'acc-1a'], links);
    expect(candidates.map((c) => c.personId)).toEqual(['p-cto', 'p-vp', 'p-dev']);
    expect(candidates[0]!.subject.relationship).toBe('employee');
    expect(candidatesInScope(['acc-1a'], links)[0]!.subject.relationship).toBe('contractor');
    // The engagement score, like the relationship, is the person's at the account of that link.
    expect(candidates[0]!.subject.engagementScore).toBe(42);
    expect(candidatesInScope(['acc-1a'], links)[0]!.subject.engagementScore).toBe(7);
    expect(candidates[1]!.subject.engagementScore).toBeNull();
  });
});

describe('preview tally', () => {
  it('counts every change and keeps a bounded sample of each kind', () => {
    const tally = new PreviewTally(1);
    const where = (accountId: string) => ({
      account: { accountId, name: accountId },
      buyingGroupId: `bg-${accountId}`,
    });
    tally.add(where('a'), { kind: 'outside' });
    tally.add(where('b'), { kind: 'unchanged' });
    tally.add(where('c'), { kind: 'created', members: [] });
    tally.add(where('d'), {
      kind: 'changed',
      changes: [
        { kind: 'member.added', personId: 'p-1', role: 'Influencer', source: 'rule' },
        { kind: 'member.added', personId: 'p-2', role: 'Influencer', source: 'rule' },
        { kind: 'member.removed', personId: 'p-3', role: 'Champion', source: 'rule' },
        { kind: 'member.role-changed', personId: 'p-4', from: 'Champion', to: 'Influencer' },
      ],
    });
    const result = tally.result();
    expect(result.accountsEvaluated).toBe(4);
    expect(result.groups).toEqual({ created: 1, dissolved: 0, changed: 1, unchanged: 1 });
    expect(result.members).toEqual({ added: 2, removed: 1, roleChanged: 1 });
    expect(result.samples.membersAdded).toEqual([
      { buyingGroupId: 'bg-d', accountId: 'd', accountName: 'd', personId: 'p-1', role: 'Influencer' },
    ]);
    expect(result.samples.membersRoleChanged).toEqual([
      { buyingGroupId: 'bg-d', accountId: 'd', accountName: 'd', personId: 'p-4', from: 'Champion', to: 'Influencer' },
    ]);
    expect(result.samples.groupsCreated).toEqual([
      { buyingGroupId: 'bg-c', accountId: 'c', accountName: 'c', members: 0 },
    ]);
  });
});
