import { describe, expect, it } from 'vitest';
import { groupChangeSchema, groupMemberSchema, removedMemberSchema, type GroupMember } from '@bg/contracts';
import {
  computeMembership,
  diffMembership,
  type Candidate,
  type Membership,
  type MembershipInput,
} from '../../src/membership';
import type { MemberOverride } from '../../src/overrides';
import { EARLIER, EARLIEST, NOW, candidate, empty, slot, titleHas } from './fixtures';

const decisionMaker = slot('Decision Maker', titleHas('CMO', 'CEO'), { maxMembers: 2, required: true });
const influencer = slot('Influencer', { field: 'seniority', op: 'in', value: ['VP', 'Director'] });
const practitioner = slot('Practitioner', { field: 'department', op: 'eq', value: 'Marketing' });
const slots = [decisionMaker, influencer, practitioner];

const cmo = candidate('p-ana', { jobTitle: 'CMO', department: 'Marketing' });
const vpMarketing = candidate('p-bob', { jobTitle: 'VP Marketing', seniority: 'VP', department: 'Marketing' });
const analyst = candidate('p-cai', { jobTitle: 'Analyst', department: 'Marketing' });
const accountant = candidate('p-dee', { jobTitle: 'Accountant', department: 'Finance' });

function compute(input: Partial<MembershipInput>): Membership {
  return computeMembership({ slots, candidates: [], previous: empty, overrides: [], now: NOW, ...input });
}

const roles = (membership: Membership): Record<string, string> =>
  Object.fromEntries(membership.members.map((member) => [member.personId, member.role]));

const member = (membership: Membership, personId: string): GroupMember | undefined =>
  membership.members.find((candidateMember) => candidateMember.personId === personId);

function override(
  personId: string,
  action: 'add' | 'remove',
  source: MemberOverride['source'],
  requestedAt: string,
  role: string | null = null,
): MemberOverride {
  return action === 'add'
    ? { personId, action, role: role ?? 'Other', source, requestedAt }
    : { personId, action, role, source, requestedAt };
}

describe('placement by rules', () => {
  it('when a CMO joins, she takes the Decision Maker slot with the matching reason', () => {
    expect(compute({ candidates: [cmo] })).toEqual({
      members: [
        {
          personId: 'p-ana',
          role: 'Decision Maker',
          source: 'rule',
          since: NOW,
          reason: {
            slot: 0,
            matched: [{ field: 'jobTitle', op: 'hasAnyWord', value: ['CMO', 'CEO'], actual: 'CMO' }],
            skipped: [],
          },
        },
      ],
      removedMembers: [],
    });
  });

  it('a person matching several slots takes the first one, and the reason lists the slots above it', () => {
    const result = compute({ candidates: [vpMarketing, analyst] });
    expect(roles(result)).toEqual({ 'p-bob': 'Influencer', 'p-cai': 'Practitioner' });
    expect(member(result, 'p-bob')?.reason).toEqual({
      slot: 1,
      matched: [{ field: 'seniority', op: 'in', value: ['VP', 'Director'], actual: 'VP' }],
      skipped: [{ slot: 0, why: 'no-match' }],
    });
    expect(member(result, 'p-cai')?.reason.skipped).toEqual([
      { slot: 0, why: 'no-match' },
      { slot: 1, why: 'no-match' },
    ]);
  });

  it('someone who matches no slot is not a member', () => {
    expect(compute({ candidates: [accountant] })).toEqual(empty);
  });

  it('judges the relationship given for this account', () => {
    const employeesOnly = [slot('Champion', { field: 'relationship', op: 'eq', value: 'employee' })];
    const asContractor = candidate('p-eve', { jobTitle: 'CMO' }, 'contractor');
    const asEmployee = candidate('p-eve', { jobTitle: 'CMO' }, 'employee');
    expect(compute({ slots: employeesOnly, candidates: [asContractor] }).members).toEqual([]);
    expect(roles(compute({ slots: employeesOnly, candidates: [asEmployee] }))).toEqual({ 'p-eve': 'Champion' });
  });

  it('a rule member who stops matching leaves the members and is not listed as removed', () => {
    const before = compute({ candidates: [cmo] });
    const promotedAway = candidate('p-ana', { jobTitle: 'Board Advisor' });
    expect(compute({ candidates: [promotedAway], previous: before })).toEqual(empty);
  });

  it('sorts members by slot then personId, whatever order the candidates come in', () => {
    const people = [
      analyst,
      candidate('p-zed', { jobTitle: 'CEO' }),
      vpMarketing,
      cmo,
      candidate('p-abe', { seniority: 'Director' }),
    ];
    const forwards = compute({ candidates: people });
    expect(forwards.members.map((m) => m.personId)).toEqual(['p-ana', 'p-zed', 'p-abe', 'p-bob', 'p-cai']);
    expect(compute({ candidates: [...people].reverse() })).toEqual(forwards);
  });
});

describe('maxMembers', () => {
  const ceos = ['p-c3', 'p-c1', 'p-c2'].map((id) => candidate(id, { jobTitle: 'CEO', seniority: 'VP' }));

  it('keeps newcomers by personId when nobody was in the slot before, and the rest go on to the next slot they match', () => {
    const result = compute({ candidates: ceos });
    expect(roles(result)).toEqual({ 'p-c1': 'Decision Maker', 'p-c2': 'Decision Maker', 'p-c3': 'Influencer' });
    expect(member(result, 'p-c3')?.reason.skipped).toEqual([{ slot: 0, why: 'full' }]);
  });

  it('keeps whoever has been in the slot longest, so a newcomer does not displace an incumbent', () => {
    const previous: Membership = {
      members: [
        { ...decisionMakerMember('p-c3'), since: EARLIEST },
        { ...decisionMakerMember('p-c2'), since: EARLIER },
      ],
      removedMembers: [],
    };
    const result = compute({ candidates: ceos, previous });
    expect(roles(result)).toEqual({ 'p-c2': 'Decision Maker', 'p-c3': 'Decision Maker', 'p-c1': 'Influencer' });
    expect(member(result, 'p-c3')?.since).toBe(EARLIEST);
    expect(member(result, 'p-c1')?.since).toBe(NOW);
  });

  it('leaves out those who fit in no later slot', () => {
    const onlyTitle = ['p-x1', 'p-x2', 'p-x3'].map((id) => candidate(id, { jobTitle: 'CMO' }));
    expect(Object.keys(roles(compute({ candidates: onlyTitle })))).toEqual(['p-x1', 'p-x2']);
  });

  it('counts explicitly added members towards the slot, pushing rule members on', () => {
    const overrides = [override('p-dee', 'add', 'manual', EARLIER, 'Decision Maker')];
    const result = compute({ candidates: [...ceos, accountant], overrides });
    expect(roles(result)).toEqual({
      'p-dee': 'Decision Maker',
      'p-c1': 'Decision Maker',
      'p-c2': 'Influencer',
      'p-c3': 'Influencer',
    });
  });

  it('keeps explicit adds even beyond maxMembers, leaving no room for rule members', () => {
    const overrides = ['p-c1', 'p-c2', 'p-dee'].map((id) => override(id, 'add', 'import', EARLIER, 'Decision Maker'));
    const result = compute({ candidates: [...ceos, accountant], overrides });
    expect(result.members.filter((m) => m.role === 'Decision Maker').map((m) => m.personId)).toEqual([
      'p-c1',
      'p-c2',
      'p-dee',
    ]);
    expect(roles(result)['p-c3']).toBe('Influencer');
  });
});

describe('since', () => {
  it('is kept while a person stays in the same role, and restarts when the role changes', () => {
    const first = compute({ candidates: [cmo, vpMarketing], now: EARLIEST });
    const second = compute({ candidates: [cmo, retitled(vpMarketing, 'CEO')], previous: first });
    expect(member(second, 'p-ana')?.since).toBe(EARLIEST);
    expect(member(second, 'p-bob')).toMatchObject({ role: 'Decision Maker', since: NOW });
  });

  it('is the time in the slot, not in the role: two slots of one role do not share it', () => {
    // Two Influencer slots: one for a single VP (capped), one for anyone in Marketing.
    const twoInfluencerSlots = [
      slot('Influencer', { field: 'seniority', op: 'eq', value: 'VP' }, { maxMembers: 1 }),
      slot('Influencer', { field: 'department', op: 'eq', value: 'Marketing' }),
    ];
    const incumbent = candidate('p-zed', { seniority: 'VP', department: 'Sales' });
    const marketer = candidate('p-amy', { department: 'Marketing' });
    const first = compute({ slots: twoInfluencerSlots, candidates: [marketer], now: EARLIEST });
    const second = compute({
      slots: twoInfluencerSlots,
      candidates: [marketer, incumbent],
      previous: first,
      now: EARLIER,
    });
    expect(member(second, 'p-zed')).toMatchObject({ since: EARLIER, reason: { slot: 0 } });
    // Promoted to VP, she matches the capped slot too; her time in the role began before the incumbent's, but her
    // time in that slot has not: the incumbent keeps it, and she keeps her place and her time in the other.
    const third = compute({
      slots: twoInfluencerSlots,
      candidates: [retitled(marketer, 'VP Marketing', 'VP'), incumbent],
      previous: second,
    });
    expect(member(third, 'p-zed')).toMatchObject({ since: EARLIER, reason: { slot: 0 } });
    expect(member(third, 'p-amy')).toMatchObject({ since: EARLIEST, reason: { slot: 1 } });
  });

  it('is kept when a rule member is confirmed by a manual add to the same role', () => {
    const first = compute({ candidates: [cmo], now: EARLIEST });
    const overrides = [override('p-ana', 'add', 'manual', EARLIER, 'Decision Maker')];
    expect(member(compute({ candidates: [cmo], previous: first, overrides }), 'p-ana')).toMatchObject({
      source: 'manual',
      since: EARLIEST,
    });
  });
});

describe('precedence: manual > import = journey > ai > rule', () => {
  it('a manual add survives recomputation, in the named role, even when no rule matches', () => {
    const overrides = [override('p-dee', 'add', 'manual', EARLIER, 'Influencer')];
    const first = compute({ candidates: [accountant], overrides });
    expect(member(first, 'p-dee')).toEqual({
      personId: 'p-dee',
      role: 'Influencer',
      source: 'manual',
      since: NOW,
      reason: { slot: 1, matched: [], note: 'added manually' },
    });
    const later = compute({ candidates: [accountant], overrides, previous: first, now: '2026-12-01T00:00:00Z' });
    expect(member(later, 'p-dee')?.since).toBe(NOW);
  });

  it('a manual removal keeps the rules from re-adding the person, who shows as removed by manual', () => {
    const before = compute({ candidates: [cmo] });
    const overrides = [override('p-ana', 'remove', 'manual', EARLIER)];
    expect(compute({ candidates: [cmo], overrides, previous: before })).toEqual({
      members: [],
      removedMembers: [{ personId: 'p-ana', role: 'Decision Maker', source: 'manual', removedAt: EARLIER }],
    });
  });

  it('ai cannot undo a manual removal, even when it comes later', () => {
    const overrides = [
      override('p-ana', 'remove', 'manual', EARLIER, 'Decision Maker'),
      override('p-ana', 'add', 'ai', NOW, 'Champion'),
    ];
    const result = compute({ candidates: [cmo], overrides });
    expect(result.members).toEqual([]);
    expect(result.removedMembers).toEqual([
      { personId: 'p-ana', role: 'Decision Maker', source: 'manual', removedAt: EARLIER },
    ]);
  });

  it('ai cannot remove a manually added member, whatever order the edits arrive in', () => {
    const add = override('p-dee', 'add', 'manual', EARLIER, 'Champion');
    const remove = override('p-dee', 'remove', 'ai', NOW);
    for (const overrides of [
      [add, remove],
      [remove, add],
    ]) {
      expect(member(compute({ candidates: [accountant], overrides }), 'p-dee')).toMatchObject({
        role: 'Champion',
        source: 'manual',
      });
    }
  });

  it('an import overrides the rules: the imported role wins over the matching slot', () => {
    const overrides = [override('p-ana', 'add', 'import', EARLIER, 'Champion')];
    const result = compute({ candidates: [cmo], overrides });
    expect(member(result, 'p-ana')).toMatchObject({
      role: 'Champion',
      source: 'import',
      reason: { slot: null, matched: [], note: 'added by import' },
    });
  });

  it('an ai suggestion beats the rules but not an import', () => {
    const aiOnly = [override('p-ana', 'add', 'ai', EARLIER, 'Influencer')];
    expect(member(compute({ candidates: [cmo], overrides: aiOnly }), 'p-ana')).toMatchObject({
      role: 'Influencer',
      source: 'ai',
      reason: { note: 'added by AI' },
    });
    const withImport = [...aiOnly, override('p-ana', 'add', 'import', EARLIEST, 'Practitioner')];
    expect(member(compute({ candidates: [cmo], overrides: withImport }), 'p-ana')?.role).toBe('Practitioner');
  });

  it('between writers of equal rank the latest edit wins: import and journey, or two manual edits', () => {
    const journeyLater = [
      override('p-ana', 'add', 'import', EARLIEST, 'Champion'),
      override('p-ana', 'remove', 'journey', EARLIER),
    ];
    expect(compute({ candidates: [cmo], overrides: journeyLater }).removedMembers).toEqual([
      { personId: 'p-ana', role: 'Decision Maker', source: 'journey', removedAt: EARLIER },
    ]);
    const readded = [
      override('p-ana', 'remove', 'manual', EARLIEST),
      override('p-ana', 'add', 'manual', EARLIER, 'Other'),
    ];
    expect(roles(compute({ candidates: [cmo], overrides: readded }))).toEqual({ 'p-ana': 'Other' });
  });

  it('a removal wins a tie at the same instant, whatever the arrival order', () => {
    const add = override('p-ana', 'add', 'manual', EARLIER, 'Champion');
    const remove = override('p-ana', 'remove', 'manual', EARLIER);
    expect(compute({ candidates: [cmo], overrides: [add, remove] }).members).toEqual([]);
    expect(compute({ candidates: [cmo], overrides: [remove, add] }).members).toEqual([]);
  });

  it('places a member added to a role outside the template after the slotted members', () => {
    const overrides = [override('p-dee', 'add', 'manual', EARLIER, 'Budget Holder')];
    const result = compute({ candidates: [accountant, cmo], overrides });
    expect(result.members.map((m) => [m.personId, m.role, m.reason.slot])).toEqual([
      ['p-ana', 'Decision Maker', 0],
      ['p-dee', 'Budget Holder', null],
    ]);
  });
});

describe('removed members', () => {
  it('take the role named by the removal, else the role held before, else the role the rules would give', () => {
    const previous = compute({ candidates: [vpMarketing] });
    const overrides = [
      override('p-ana', 'remove', 'manual', EARLIER, 'Champion'),
      override('p-bob', 'remove', 'manual', EARLIER),
      override('p-cai', 'remove', 'import', EARLIER),
      override('p-dee', 'remove', 'manual', EARLIER),
    ];
    const result = compute({ candidates: [cmo, vpMarketing, analyst, accountant], previous, overrides });
    expect(result.members).toEqual([]);
    // p-dee never held a role and matches none: there is nothing to show for them.
    expect(result.removedMembers).toEqual([
      { personId: 'p-ana', role: 'Champion', source: 'manual', removedAt: EARLIER },
      { personId: 'p-bob', role: 'Influencer', source: 'manual', removedAt: EARLIER },
      { personId: 'p-cai', role: 'Practitioner', source: 'import', removedAt: EARLIER },
    ]);
  });

  it('keep the role they were listed with on later recomputations', () => {
    const first = compute({ candidates: [cmo], overrides: [override('p-ana', 'remove', 'manual', EARLIER)] });
    const retitledAna = retitled(cmo, 'Analyst');
    const second = compute({
      candidates: [retitledAna],
      previous: first,
      overrides: [override('p-ana', 'remove', 'manual', EARLIER)],
    });
    expect(second.removedMembers[0]?.role).toBe('Decision Maker');
  });

  it('a deleted or unlinked person leaves both lists, and an edit of them waits until they are back', () => {
    const overrides = [
      override('p-ana', 'remove', 'manual', EARLIER, 'Decision Maker'),
      override('p-dee', 'add', 'manual', EARLIER, 'Champion'),
    ];
    const withThem = compute({ candidates: [cmo, accountant], overrides });
    expect(withThem.members).toHaveLength(1);
    expect(withThem.removedMembers).toHaveLength(1);
    expect(compute({ candidates: [], overrides, previous: withThem })).toEqual(empty);
    expect(compute({ candidates: [cmo, accountant], overrides })).toEqual(withThem);
  });
});

describe('contract shape', () => {
  it('produces members, removed members and changes that satisfy the contract schemas', () => {
    const overrides = [
      override('p-dee', 'add', 'journey', EARLIER, 'Champion'),
      override('p-cai', 'remove', 'manual', EARLIER),
    ];
    const before = compute({ candidates: [cmo, analyst] });
    const after = compute({ candidates: [cmo, vpMarketing, analyst, accountant], overrides, previous: before });
    expect(() => groupMemberSchema.array().parse(after.members)).not.toThrow();
    expect(() => removedMemberSchema.array().parse(after.removedMembers)).not.toThrow();
    expect(() => groupChangeSchema.array().parse(diffMembership(before, after))).not.toThrow();
    expect(diffMembership(before, after)).toHaveLength(3);
  });
});

function decisionMakerMember(personId: string): GroupMember {
  return {
    personId,
    role: 'Decision Maker',
    source: 'rule',
    since: NOW,
    reason: { slot: 0, matched: [], skipped: [] },
  };
}

function retitled(person: Candidate, jobTitle: string, seniority?: string): Candidate {
  return { ...person, subject: { ...person.subject, jobTitle, ...(seniority ? { seniority } : {}) } };
}
