import { describe, expect, it } from 'vitest';
import { noJourney, type GroupHeader } from '../../src/domain/group-state';
import { foldMembershipChanges } from '../../src/domain/membership-changes';
import { member, membershipChange, slot, templateSlots } from './fixtures';

const empty = { members: [], removedMembers: [] };
const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);
const stored = (membershipVersion: number, overrides: Partial<GroupHeader> = {}): GroupHeader => ({
  accountId: 'acc-1',
  buyingGroupId: 'bg-1',
  solutionInterestId: 'si-x',
  name: 'Product X for Acme Corp',
  status: 'active',
  membershipVersion,
  memberScope: 'account',
  slots: templateSlots,
  ...noJourney,
  ...overrides,
});

describe('foldMembershipChanges', () => {
  it('starts a group not seen yet from its first version, with the slots it carries', () => {
    const first = membershipChange(1, { members: { upserted: [ana] } });
    expect(foldMembershipChanges(null, empty, [first])).toEqual({
      group: stored(1),
      membership: { members: [ana], removedMembers: [] },
      causes: { cause: first.cause, coalesced: undefined },
      departures: new Map(),
    });
  });

  it('applies version n+1 on top of n: members upserted and removed, removals recorded and cleared', () => {
    const removedBen = {
      personId: 'p-ben',
      role: 'Influencer',
      source: 'manual' as const,
      removedAt: '2026-11-20T00:00:00.000Z',
    };
    const change = membershipChange(4, {
      name: 'Product X for Acme Inc',
      members: { upserted: [member('p-cy', 'Practitioner', 2)], removed: ['p-ben'] },
      removedMembers: { upserted: [removedBen], cleared: ['p-old'] },
    });
    const before = {
      members: [ana, ben],
      removedMembers: [
        { personId: 'p-old', role: 'Champion', source: 'manual' as const, removedAt: '2026-10-01T00:00:00.000Z' },
      ],
    };
    const folded = foldMembershipChanges(stored(3), before, [change]);
    expect(folded?.group).toEqual(stored(4, { name: 'Product X for Acme Inc' }));
    expect(folded?.membership).toEqual({
      members: [ana, member('p-cy', 'Practitioner', 2)],
      removedMembers: [removedBen],
    });
  });

  it('keeps the stored signals when a change carries none, and takes what one carries (null switches them off)', () => {
    const signals = { stalledAfterDays: 14 };
    const on = foldMembershipChanges(stored(1), empty, [membershipChange(2, { signals })]);
    expect(on?.group.signalSettings).toEqual(signals);
    const kept = foldMembershipChanges(on!.group, empty, [membershipChange(3, {})]);
    expect(kept?.group.signalSettings).toEqual(signals);
    const off = foldMembershipChanges(kept!.group, empty, [membershipChange(4, { signals: null })]);
    expect(off?.group.signalSettings).toBeNull();
  });

  it('keeps the stored slots when a change carries none, and takes new ones when the template changed', () => {
    const newSlots = [slot('Champion', { required: true })];
    expect(foldMembershipChanges(stored(1), empty, [membershipChange(2)])?.group.slots).toEqual(templateSlots);
    expect(foldMembershipChanges(stored(1), empty, [membershipChange(2, { slots: newSlots })])?.group.slots).toEqual(
      newSlots,
    );
  });

  it('folds several versions into one, caused by the last and listing the others with what they had folded in', () => {
    const changes = [
      membershipChange(2, {
        members: { upserted: [ben] },
        coalesced: [{ eventId: 'evt-a', eventType: 'person.upserted' }],
      }),
      membershipChange(3, { members: { removed: ['p-ana'] } }),
      membershipChange(4, { members: { upserted: [member('p-cy', 'Practitioner', 2)] } }),
    ];
    const folded = foldMembershipChanges(stored(1), { members: [ana], removedMembers: [] }, changes);
    expect(folded?.group.membershipVersion).toBe(4);
    expect(folded?.membership.members.map((m) => m.personId)).toEqual(['p-ben', 'p-cy']);
    expect(folded?.causes).toEqual({ cause: changes[2]!.cause, coalesced: ['evt-a', 'evt-m2', 'evt-m3'] });
  });

  it('ignores a re-sent version not newer than the stored one, alone or after newer ones', () => {
    expect(
      foldMembershipChanges(stored(3), empty, [
        membershipChange(2, { members: { upserted: [ana] } }),
        membershipChange(3),
      ]),
    ).toBeNull();
    const folded = foldMembershipChanges(stored(3), empty, [
      membershipChange(4, { members: { upserted: [ben] } }),
      membershipChange(3, { members: { upserted: [ana] } }),
    ]);
    expect(folded?.membership.members).toEqual([ben]);
    expect(folded?.causes.coalesced).toBeUndefined();
  });

  it('refuses a version that skips one, naming the group and the versions', () => {
    expect(() => foldMembershipChanges(stored(2), empty, [membershipChange(4)])).toThrow(
      'membership version 4 of group bg-1 does not follow the stored version 2: version 3 is missing',
    );
    expect(() => foldMembershipChanges(null, empty, [membershipChange(2, { slots: templateSlots })])).toThrow(
      /version 1 is missing/,
    );
  });

  it('refuses a first version without slots', () => {
    const { slots: _slots, ...first } = membershipChange(1);
    expect(() => foldMembershipChanges(null, empty, [first])).toThrow(/carries no slots/);
  });

  it('refuses a person who would be both a member and removed', () => {
    const removedAna = {
      personId: 'p-ana',
      role: 'Decision Maker',
      source: 'manual' as const,
      removedAt: '2026-11-20T00:00:00.000Z',
    };
    const change = membershipChange(2, { removedMembers: { upserted: [removedAna] } });
    expect(() => foldMembershipChanges(stored(1), { members: [ana], removedMembers: [] }, [change])).toThrow(
      /lists p-ana both as a member and as removed/,
    );
  });
});
