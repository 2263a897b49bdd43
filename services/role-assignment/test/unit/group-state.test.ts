import { describe, expect, it } from 'vitest';
import {
  buyingGroupId,
  roleSlotSchema,
  type AccountUpserted,
  type ConditionNode,
  type PersonUpserted,
  type RoleSlot,
} from '@bg/contracts';
import type { MemberOverride, Membership, SlotOccupancy } from '@bg/rules';
import {
  candidatesOf,
  decideGroup,
  decidePeople,
  emptyMembership,
  type FullInputs,
  type GroupDecision,
  type Interest,
  type ScopedPerson,
} from '../../src/domain/group-state';

const NOW = '2026-11-26T10:00:00.000Z';
const LATER = '2026-11-27T10:00:00.000Z';

const titleHas = (...words: string[]): ConditionNode => ({ field: 'jobTitle', op: 'hasAnyWord', value: words });
const slot = (role: string, conditions: ConditionNode, extra: Partial<RoleSlot> = {}): RoleSlot =>
  roleSlotSchema.parse({ role, conditions, required: true, ...extra });

const slots = [slot('Decision Maker', titleHas('CMO', 'CEO')), slot('Influencer', titleHas('VP', 'Director'))];

/** Product X, for accounts with revenue over 1M, revision 1. */
function interest(overrides: Partial<Interest> = {}): Interest {
  return {
    solutionInterestId: 'si-x',
    name: 'Product X',
    memberScope: 'account',
    template: { id: 'rt-1', version: 1, name: 'Marketing', slots },
    audience: { id: 'aud-1', name: 'Big accounts', conditions: { field: 'annualRevenue', op: 'gt', value: 1_000_000 } },
    definedAt: NOW,
    revision: 1,
    ...overrides,
  };
}

function account(overrides: Partial<AccountUpserted> = {}): AccountUpserted {
  return {
    accountId: 'acme',
    name: 'Acme Corp',
    domain: 'acme.example',
    parentAccountId: null,
    industry: 'Software',
    annualRevenue: 5_000_000,
    employeeCount: 100,
    country: 'US',
    productsOwned: [],
    attributes: {},
    updatedAt: NOW,
    ...overrides,
  };
}

function person(personId: string, jobTitle: string, relationship = 'employee'): ScopedPerson {
  const record: PersonUpserted = {
    personId,
    email: `${personId}@acme.example`,
    firstName: 'F',
    lastName: personId,
    jobTitle,
    department: null,
    seniority: null,
    country: null,
    accounts: [{ accountId: 'acme', relationship }],
    attributes: {},
    updatedAt: NOW,
  };
  return { personId, relationship, person: record };
}

const ana = person('p-ana', 'CMO');
const bob = person('p-bob', 'VP Sales');
const cai = person('p-cai', 'Analyst');

const inputs = (overrides: Partial<FullInputs> = {}): FullInputs => ({
  interest: interest(),
  account: account(),
  people: [ana, bob, cai],
  overrides: [],
  previous: null,
  previousMembership: emptyMembership,
  now: NOW,
  ...overrides,
});

/** The stored group and rows after a decision: what the next decision starts from. */
const stored = (decision: GroupDecision | null, membership: Membership) => ({
  previous: decision!.next,
  previousMembership: membership,
});
/** Members per slot index and the latest rule member's `since`, as the stored rows give them (slotOccupancyOf). */
const occupancyOf = (rows: Membership): SlotOccupancy[] => {
  const occupancy: SlotOccupancy[] = [];
  for (const m of rows.members) {
    if (m.reason.slot === null) continue;
    const held = occupancy[m.reason.slot] ?? { members: 0, latestRuleSince: null };
    const latest = m.source === 'rule' && (held.latestRuleSince ?? '') < m.since ? m.since : held.latestRuleSince;
    occupancy[m.reason.slot] = { members: held.members + 1, latestRuleSince: latest };
  }
  return occupancy;
};

/** The rows a decision leaves, from the rows before and its delta. */
function rowsAfter(before: Membership, decision: GroupDecision): Membership {
  const gone = new Set(decision.delta.members.removed);
  const byId = new Map(before.members.filter((m) => !gone.has(m.personId)).map((m) => [m.personId, m]));
  for (const member of decision.delta.members.upserted) byId.set(member.personId, member);
  const cleared = new Set(decision.delta.removedMembers.cleared);
  const removed = new Map(before.removedMembers.filter((r) => !cleared.has(r.personId)).map((r) => [r.personId, r]));
  for (const row of decision.delta.removedMembers.upserted) removed.set(row.personId, row);
  return { members: [...byId.values()], removedMembers: [...removed.values()] };
}
const rolesOf = (membership: Membership) => Object.fromEntries(membership.members.map((m) => [m.personId, m.role]));

/** The group as first decided (version 1), and its rows. */
function created(overrides: Partial<FullInputs> = {}) {
  const decision = decideGroup(inputs(overrides))!;
  return { decision, rows: rowsAfter(emptyMembership, decision) };
}

describe('decideGroup', () => {
  describe('a group that did not exist', () => {
    it('is created, version 1, for an account in the audience: named, identified, with its slots and its people', () => {
      const decision = decideGroup(inputs());
      expect(decision).not.toBeNull();
      expect(decision!.next).toEqual({
        accountId: 'acme',
        solutionInterestId: 'si-x',
        buyingGroupId: buyingGroupId('si-x', 'acme'),
        name: 'Product X for Acme Corp',
        status: 'active',
        slots,
        membershipVersion: 1,
        slotsRevision: 1,
        stageModel: null,
        signals: null,
      });
      expect(decision!.changed).toBe(true);
      expect(decision!.slotsChanged).toBe(true);
      expect(rolesOf(rowsAfter(emptyMembership, decision!))).toEqual({
        'p-ana': 'Decision Maker',
        'p-bob': 'Influencer',
      });
      expect(decision!.delta.members.upserted.every((m) => m.source === 'rule' && m.since === NOW)).toBe(true);
      expect(decision!.delta.members.removed).toEqual([]);
    });

    it('is created even with nobody in it: every account of the audience has a group', () => {
      const decision = decideGroup(inputs({ people: [] }))!;
      expect(decision.changed).toBe(true);
      expect(decision.next).toMatchObject({ status: 'active', membershipVersion: 1 });
      expect(decision.delta.members.upserted).toEqual([]);
    });

    it('is not stored when the account is not in the audience, deleted, or the solution interest is gone', () => {
      expect(decideGroup(inputs({ account: account({ annualRevenue: 500_000 }) }))).toBeNull();
      expect(decideGroup(inputs({ account: null }))).toBeNull();
      expect(decideGroup(inputs({ interest: null }))).toBeNull();
    });

    it('follows a static audience by account id', () => {
      const listed = interest({ audience: { id: 'aud-2', name: 'Named', accountIds: ['acme'] } });
      expect(decideGroup(inputs({ interest: listed }))?.next.status).toBe('active');
      expect(decideGroup(inputs({ interest: listed, account: account({ accountId: 'globex' }) }))).toBeNull();
    });
  });

  describe('change detection and the version', () => {
    it('recomputing with nothing new changes nothing: same version, empty delta', () => {
      const v1 = created();
      const again = decideGroup(inputs(stored(v1.decision, v1.rows)))!;
      expect(again.changed).toBe(false);
      expect(again.slotsChanged).toBe(false);
      expect(again.next).toEqual(v1.decision.next);
      expect(again.delta).toEqual({
        members: { upserted: [], removed: [] },
        removedMembers: { upserted: [], cleared: [] },
      });
    });

    it('carries the signals with the first version and whenever they change, and a change of them alone is a version', () => {
      const signals = { stalledAfterDays: 14 };
      const v1 = created({ interest: interest({ signals }) });
      expect(v1.decision.signalsChanged).toBe(true);
      expect(v1.decision.next.signals).toEqual(signals);
      const same = decideGroup(inputs({ ...stored(v1.decision, v1.rows), interest: interest({ signals }) }))!;
      expect(same.changed).toBe(false);
      expect(same.signalsChanged).toBe(false);
      const off = decideGroup(inputs({ ...stored(v1.decision, v1.rows), interest: interest() }))!;
      expect(off).toMatchObject({ changed: true, signalsChanged: true, next: { signals: null, membershipVersion: 2 } });
    });

    it('a later recomputation with nothing new keeps each member’s since', () => {
      const v1 = created();
      const again = decideGroup(inputs({ ...stored(v1.decision, v1.rows), now: LATER }))!;
      expect(again.changed).toBe(false);
      expect(again.delta.members.upserted).toEqual([]);
    });

    it('raises the version by exactly one when a person joins, sending only that person', () => {
      const v1 = created({ people: [ana] });
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), people: [ana, bob], now: LATER }))!;
      expect(v2.changed).toBe(true);
      expect(v2.next.membershipVersion).toBe(2);
      expect(v2.delta.members.upserted.map((m) => [m.personId, m.role, m.since])).toEqual([
        ['p-bob', 'Influencer', LATER],
      ]);
      expect(v2.delta.members.removed).toEqual([]);
    });

    it('sends the id of a member who no longer matches as removed', () => {
      const v1 = created();
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), people: [ana, cai] }))!;
      expect(v2.next.membershipVersion).toBe(2);
      expect(v2.delta.members).toEqual({ upserted: [], removed: ['p-bob'] });
    });

    it('sends a member who moves to another slot, with the since of the new role', () => {
      const v1 = created();
      const promoted = person('p-bob', 'CEO');
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), people: [ana, promoted], now: LATER }))!;
      expect(v2.delta.members.upserted).toEqual([
        expect.objectContaining({ personId: 'p-bob', role: 'Decision Maker', since: LATER }),
      ]);
    });

    it('a renamed account is a change of the group although no member changes', () => {
      const v1 = created();
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), account: account({ name: 'Acme Inc' }) }))!;
      expect(v2.changed).toBe(true);
      expect(v2.next).toMatchObject({ name: 'Product X for Acme Inc', membershipVersion: 2 });
      expect(v2.slotsChanged).toBe(false);
    });

    it('new slots travel with the change and take the revision that brought them', () => {
      const v1 = created();
      const newSlots = [slots[0]!, slot('Influencer', titleHas('Director'))];
      const redefined = interest({
        template: { id: 'rt-1', version: 2, name: 'Marketing', slots: newSlots },
        revision: 7,
      });
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), interest: redefined }))!;
      expect(v2.slotsChanged).toBe(true);
      expect(v2.changed).toBe(true);
      expect(v2.next).toMatchObject({ slots: newSlots, slotsRevision: 7, membershipVersion: 2 });
      expect(v2.delta.members.removed).toEqual(['p-bob']);
    });

    it('a redefinition that leaves the slots as they were changes nothing, and keeps the slots’ revision', () => {
      const v1 = created();
      const sameSlots = interest({ audience: { id: 'aud-1', name: 'Renamed', accountIds: ['acme'] }, revision: 9 });
      const again = decideGroup(inputs({ ...stored(v1.decision, v1.rows), interest: sameSlots }))!;
      expect(again.changed).toBe(false);
      expect(again.slotsChanged).toBe(false);
      expect(again.next.slotsRevision).toBe(1);
    });

    it('keeps a manual add through recomputation, and a manual removal keeps the rules from re-adding', () => {
      const edits: MemberOverride[] = [
        { personId: 'p-cai', action: 'add', role: 'Influencer', source: 'manual', requestedAt: NOW },
        { personId: 'p-ana', action: 'remove', role: null, source: 'manual', requestedAt: NOW },
      ];
      const v1 = created({ overrides: edits });
      expect(rolesOf(v1.rows)).toEqual({ 'p-bob': 'Influencer', 'p-cai': 'Influencer' });
      expect(v1.rows.removedMembers).toEqual([
        { personId: 'p-ana', role: 'Decision Maker', source: 'manual', removedAt: NOW },
      ]);
      const again = decideGroup(inputs({ ...stored(v1.decision, v1.rows), overrides: edits, now: LATER }))!;
      expect(again.changed).toBe(false);
    });
  });

  describe('dissolution', () => {
    const dissolvedBy = {
      'the account leaving the audience': { account: account({ annualRevenue: 10 }) },
      'the account being deleted': { account: null },
      'the solution interest being deleted': { interest: null },
    };
    for (const [why, change] of Object.entries(dissolvedBy)) {
      it(`dissolves an active group on ${why}: one version up, members kept readable, nothing else sent`, () => {
        const v1 = created();
        const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), ...change, now: LATER }))!;
        expect(v2.changed).toBe(true);
        expect(v2.slotsChanged).toBe(false);
        expect(v2.next).toEqual({ ...v1.decision.next, status: 'dissolved', membershipVersion: 2 });
        expect(v2.delta).toEqual({
          members: { upserted: [], removed: [] },
          removedMembers: { upserted: [], cleared: [] },
        });
      });
    }

    it('a dissolved group that stays out is not touched again', () => {
      const v1 = created();
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), account: null }))!;
      const v2Rows = rowsAfter(v1.rows, v2);
      expect(decideGroup(inputs({ ...stored(v2, v2Rows), account: null }))).toBeNull();
      expect(decideGroup(inputs({ ...stored(v2, v2Rows), account: account({ annualRevenue: 10 }) }))).toBeNull();
    });

    it('revives a dissolved group when the account comes back: a new version that starts afresh', () => {
      const v1 = created();
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), account: account({ annualRevenue: 10 }) }))!;
      const v2Rows = rowsAfter(v1.rows, v2);
      const v3 = decideGroup(inputs({ ...stored(v2, v2Rows), people: [ana, cai], now: LATER }))!;
      expect(v3.changed).toBe(true);
      expect(v3.next).toMatchObject({ status: 'active', membershipVersion: 3, name: 'Product X for Acme Corp' });
      const v3Rows = rowsAfter(v2Rows, v3);
      expect(rolesOf(v3Rows)).toEqual({ 'p-ana': 'Decision Maker' });
      // Starts afresh: the member who stayed is a member since the revival, not since before the dissolution.
      expect(v3Rows.members[0]!.since).toBe(LATER);
      expect(v3.delta.members.removed).toEqual(['p-bob']);
    });

    it('revives as it was when nothing changed meanwhile but the time', () => {
      const v1 = created();
      const v2 = decideGroup(inputs({ ...stored(v1.decision, v1.rows), interest: null }))!;
      const v3 = decideGroup(inputs({ ...stored(v2, rowsAfter(v1.rows, v2)) }))!;
      expect(v3.next).toEqual({ ...v1.decision.next, membershipVersion: 3 });
      expect(v3.changed).toBe(true);
    });
  });
});

describe('decidePeople', () => {
  it('re-judges only the people named and gives what deciding the whole group gives', () => {
    const v1 = created();
    const promoted = person('p-cai', 'Director of Marketing');
    const alone = decidePeople(
      v1.decision.next,
      [
        {
          personId: 'p-cai',
          candidate: candidatesOf([promoted])[0],
          previous: emptyMembership,
          overrides: [],
        },
      ],
      occupancyOf(v1.rows),
      LATER,
    )!;
    const whole = decideGroup(inputs({ ...stored(v1.decision, v1.rows), people: [ana, bob, promoted], now: LATER }))!;
    expect(alone.delta).toEqual(whole.delta);
    expect(alone.next).toEqual(whole.next);
    expect(alone.next.membershipVersion).toBe(2);
  });

  it('changes nothing, not even the version, when the person judged is placed as before', () => {
    const v1 = created();
    const bobRows = { members: v1.rows.members.filter((m) => m.personId === 'p-bob'), removedMembers: [] };
    const judged = decidePeople(
      v1.decision.next,
      [{ personId: 'p-bob', candidate: candidatesOf([bob])[0], previous: bobRows, overrides: [] }],
      occupancyOf(v1.rows),
      LATER,
    )!;
    expect(judged.changed).toBe(false);
    expect(judged.next.membershipVersion).toBe(1);
  });

  it('judges alone a person who finds a capped slot full: they wait, as deciding the whole group gives', () => {
    const capped = [slot('Decision Maker', titleHas('CMO', 'CEO'), { maxMembers: 1 }), slots[1]!];
    const withCap = interest({ template: { id: 'rt-1', version: 1, name: 'Capped', slots: capped } });
    const v1 = created({ interest: withCap });
    // Ana (CMO) holds the one Decision Maker place: a CEO arriving later waits behind her.
    expect(occupancyOf(v1.rows)[0]).toEqual({ members: 1, latestRuleSince: NOW });
    const ceo = person('p-dan', 'CEO');
    const judge = (now: string) =>
      decidePeople(
        v1.decision.next,
        [{ personId: 'p-dan', candidate: candidatesOf([ceo])[0], previous: emptyMembership, overrides: [] }],
        occupancyOf(v1.rows),
        now,
      );
    const whole = decideGroup(
      inputs({ ...stored(v1.decision, v1.rows), interest: withCap, people: [ana, bob, ceo], now: LATER }),
    )!;
    expect(judge(LATER)!.delta).toEqual(whole.delta);
    expect(whole.delta.members.upserted.map((m) => m.personId)).not.toContain('p-dan');
    // At the instant Ana entered, the order between them is by person id, which only the whole group can settle.
    expect(judge(NOW)).toBeNull();
  });

  it('declines (null) when a person leaves a full capped slot, so that the whole group hands the place on', () => {
    const capped = [slot('Decision Maker', titleHas('CMO', 'CEO'), { maxMembers: 1 }), slots[1]!];
    const v1 = created({ interest: interest({ template: { id: 'rt-1', version: 1, name: 'Capped', slots: capped } }) });
    const anaRows = { members: v1.rows.members.filter((m) => m.personId === 'p-ana'), removedMembers: [] };
    const judged = decidePeople(
      v1.decision.next,
      [{ personId: 'p-ana', candidate: candidatesOf([person('p-ana', 'Clerk')])[0], previous: anaRows, overrides: [] }],
      occupancyOf(v1.rows),
      LATER,
    );
    expect(judged).toBeNull();
  });

  it('judges alone a person entering a capped slot that has room, as deciding the whole group would', () => {
    const capped = [slot('Decision Maker', titleHas('CMO', 'CEO'), { maxMembers: 2 }), slots[1]!];
    const withCap = interest({ template: { id: 'rt-1', version: 1, name: 'Capped', slots: capped } });
    const v1 = created({ interest: withCap });
    const ceo = person('p-dan', 'CEO');
    const alone = decidePeople(
      v1.decision.next,
      [{ personId: 'p-dan', candidate: candidatesOf([ceo])[0], previous: emptyMembership, overrides: [] }],
      occupancyOf(v1.rows),
      LATER,
    )!;
    const whole = decideGroup(
      inputs({ ...stored(v1.decision, v1.rows), interest: withCap, people: [ana, bob, ceo], now: LATER }),
    )!;
    expect(alone.delta).toEqual(whole.delta);
    expect(alone.delta.members.upserted.map((m) => [m.personId, m.role])).toEqual([['p-dan', 'Decision Maker']]);
  });
});

describe('candidatesOf', () => {
  it('judges a person linked to several accounts in scope by the nearest link (the first listed)', () => {
    const nearest = person('p-ana', 'CMO', 'employee');
    const farther = person('p-ana', 'CMO', 'contractor');
    const candidates = candidatesOf([nearest, farther, bob]);
    expect(candidates.map((c) => [c.personId, c.subject.relationship])).toEqual([
      ['p-ana', 'employee'],
      ['p-bob', 'employee'],
    ]);
  });
});
