import { describe, expect, it } from 'vitest';
import type { BuyingGroupChanged, GroupMember } from '@bg/contracts';
import { historyItemOf } from '../../src/domain/group-history';
import { assembleSnapshot, rowsGiveBack, splitSnapshot, type MemberRow } from '../../src/domain/group-rows';

const at = '2026-11-26T10:00:00.000Z';
const member = (
  personId: string,
  slot: number | null,
  role: string,
  extra: Partial<GroupMember> = {},
): GroupMember => ({
  personId,
  role,
  source: 'rule',
  since: at,
  reason:
    slot === null
      ? { slot: null, matched: [], note: 'added by hand' }
      : {
          slot,
          matched: [
            { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO'], actual: 'CTO' },
            { field: 'email', op: 'exists' },
          ],
          ...(slot > 0 ? { skipped: [{ slot: 0, why: 'full' as const }] } : {}),
        },
  ...extra,
});

/** A version as scoring publishes it: members by slot, role, person; removed by person; breakdown in member order. */
const published = (): BuyingGroupChanged => {
  const members = [
    member('p-1', 0, 'Decision Maker'),
    member('p-3', 0, 'Decision Maker'),
    member('p-2', 1, 'Influencer'),
    member('p-0', null, 'Champion', { source: 'manual' }),
  ];
  return {
    buyingGroupId: 'bg-1',
    accountId: 'acc-1',
    solutionInterestId: 'si-x',
    name: 'X for Acme',
    version: 4,
    status: 'active',
    members,
    removedMembers: [
      { personId: 'p-8', role: 'Influencer', source: 'manual', removedAt: at },
      { personId: 'p-9', role: 'Practitioner', source: 'import', removedAt: at },
    ],
    completeness: {
      score: 67,
      slots: [
        { role: 'Decision Maker', required: true, assigned: 2, minMembers: 1, score: 100 },
        { role: 'Influencer', required: true, assigned: 1, minMembers: 2, score: 50 },
      ],
    },
    engagement: {
      score: 42,
      members: members.map((m, i) => ({ personId: m.personId, score: 10 * i, weight: 0.5 + i })),
    },
    missingRoles: ['Influencer'],
    changes: [
      { kind: 'member.added', personId: 'p-3', role: 'Decision Maker', source: 'rule' },
      { kind: 'completeness.changed', from: 50, to: 67 },
    ],
    cause: { eventId: 'evt-4', eventType: 'person.upserted' },
    coalesced: ['evt-2', 'evt-3'],
    computedAt: '2026-11-26T10:00:05.000Z',
  };
};

const roundTrip = (snapshot: BuyingGroupChanged) => {
  const { group, members } = splitSnapshot(snapshot);
  // The database gives rows back in no particular order.
  return assembleSnapshot(group, [...members].reverse());
};

describe('a version as a group row and member rows', () => {
  it('gives back the version exactly as published, people in the published order', () => {
    const snapshot = published();
    expect(rowsGiveBack(snapshot)).toBe(true);
    expect(roundTrip(snapshot)).toStrictEqual(snapshot);
  });

  it('keeps one row per person with its reason and engagement entry, and the group row without people', () => {
    const { group, members } = splitSnapshot(published());
    expect(members.map((row) => [row.personId, row.removed, row.engagement])).toEqual([
      ['p-1', false, { score: 0, weight: 0.5 }],
      ['p-3', false, { score: 10, weight: 1.5 }],
      ['p-2', false, { score: 20, weight: 2.5 }],
      ['p-0', false, { score: 30, weight: 3.5 }],
      ['p-8', true, null],
      ['p-9', true, null],
    ]);
    expect(members[3]).toEqual<MemberRow>({
      personId: 'p-0',
      role: 'Champion',
      source: 'manual',
      removed: false,
      changedAt: at,
      reason: { slot: null, matched: [], note: 'added by hand' },
      engagement: { score: 30, weight: 3.5 },
    });
    expect(group).toMatchObject({ memberCount: 4, engagementByMember: true, publishedPeople: null });
    expect(JSON.stringify(group)).not.toContain('p-1');
  });

  it('leaves out what the version did not carry: no engagement breakdown, no coalesced causes', () => {
    const { coalesced: _coalesced, ...snapshot } = { ...published(), engagement: { score: 42 } };
    const back = roundTrip(snapshot);
    expect(back).toStrictEqual(snapshot);
    expect(back.engagement).not.toHaveProperty('members');
    expect(back).not.toHaveProperty('coalesced');
    expect(splitSnapshot(snapshot).members.every((row) => row.engagement === null)).toBe(true);
  });

  it('gives back an empty group', () => {
    const snapshot = { ...published(), members: [], removedMembers: [], engagement: { score: 0, members: [] } };
    expect(roundTrip(snapshot)).toStrictEqual(snapshot);
  });

  it('keeps the people as published when the rows could not give them back, and still one row per person', () => {
    const base = published();
    const irregular: BuyingGroupChanged[] = [
      {
        ...base,
        members: [...base.members].reverse(),
        engagement: { score: 42, members: [...base.engagement.members!].reverse() },
      },
      { ...base, engagement: { score: 42, members: base.engagement.members!.slice(1) } },
      { ...base, removedMembers: [...base.removedMembers].reverse() },
      {
        ...base,
        removedMembers: [
          ...base.removedMembers,
          { personId: 'p-1', role: 'Influencer', source: 'manual', removedAt: at },
        ],
      },
    ];
    for (const snapshot of irregular) {
      expect(rowsGiveBack(snapshot)).toBe(false);
      const { group, members } = splitSnapshot(snapshot);
      expect(group.publishedPeople).not.toBeNull();
      expect(new Set(members.map((row) => row.personId)).size).toBe(members.length);
      expect(roundTrip(snapshot)).toStrictEqual(snapshot);
    }
    // A person listed as member and as removed is a member.
    expect(splitSnapshot(irregular[3]!).members.find((row) => row.personId === 'p-1')?.removed).toBe(false);
  });
});

describe('a version in history', () => {
  it('keeps what changed and the scores, not the people or the breakdowns', () => {
    const snapshot = published();
    expect(historyItemOf(snapshot)).toStrictEqual({
      version: 4,
      name: 'X for Acme',
      status: 'active',
      completeness: { score: 67 },
      engagement: { score: 42 },
      missingRoles: ['Influencer'],
      changes: snapshot.changes,
      cause: snapshot.cause,
      coalesced: ['evt-2', 'evt-3'],
      computedAt: '2026-11-26T10:00:05.000Z',
    });
    const { coalesced: _coalesced, ...single } = snapshot;
    expect(historyItemOf(single)).not.toHaveProperty('coalesced');
  });
});
