import { describe, expect, it } from 'vitest';
import type { GroupMember, MemberSource } from '@bg/contracts';
import { diffMembership, type Membership } from '../../src/membership';
import { EARLIER, NOW, empty } from './fixtures';

const member = (personId: string, role: string, source: MemberSource = 'rule'): GroupMember => ({
  personId,
  role,
  source,
  since: NOW,
  reason: { slot: 0, matched: [] },
});

const state = (...members: GroupMember[]): Membership => ({ members, removedMembers: [] });

describe('diffMembership', () => {
  it('reports nothing when the members are the same', () => {
    const group = state(member('p-1', 'Decision Maker'), member('p-2', 'Influencer'));
    expect(diffMembership(group, structuredClone(group))).toEqual([]);
  });

  it('reports a newcomer as member.added with role and source', () => {
    expect(diffMembership(empty, state(member('p-1', 'Champion', 'import')))).toEqual([
      { kind: 'member.added', personId: 'p-1', role: 'Champion', source: 'import' },
    ]);
  });

  it('reports someone who moved to another role as member.role-changed with from and to', () => {
    expect(diffMembership(state(member('p-1', 'Influencer')), state(member('p-1', 'Decision Maker')))).toEqual([
      { kind: 'member.role-changed', personId: 'p-1', from: 'Influencer', to: 'Decision Maker' },
    ]);
  });

  it('reports a rule member who no longer qualifies as removed by the rules, in the role they had', () => {
    expect(diffMembership(state(member('p-1', 'Influencer', 'manual')), empty)).toEqual([
      { kind: 'member.removed', personId: 'p-1', role: 'Influencer', source: 'rule' },
    ]);
  });

  it('reports an explicit removal with the source of whoever removed the person', () => {
    const after: Membership = {
      members: [],
      removedMembers: [{ personId: 'p-1', role: 'Influencer', source: 'manual', removedAt: EARLIER }],
    };
    expect(diffMembership(state(member('p-1', 'Influencer')), after)).toEqual([
      { kind: 'member.removed', personId: 'p-1', role: 'Influencer', source: 'manual' },
    ]);
  });

  it('ignores a change of source or since alone: the role is what journeys act on', () => {
    const before = state(member('p-1', 'Influencer'));
    const after = state({ ...member('p-1', 'Influencer', 'manual'), since: EARLIER });
    expect(diffMembership(before, after)).toEqual([]);
  });

  it('lists changes by kind (added, removed, role-changed), then personId', () => {
    const before = state(
      member('p-9', 'Other'),
      member('p-5', 'Influencer'),
      member('p-2', 'Other'),
      member('p-7', 'Other'),
    );
    const after = state(
      member('p-7', 'Champion'),
      member('p-5', 'Decision Maker'),
      member('p-3', 'Other'),
      member('p-1', 'Other'),
    );
    expect(
      diffMembership(before, after).map((change) => [change.kind, 'personId' in change ? change.personId : '']),
    ).toEqual([
      ['member.added', 'p-1'],
      ['member.added', 'p-3'],
      ['member.removed', 'p-2'],
      ['member.removed', 'p-9'],
      ['member.role-changed', 'p-5'],
      ['member.role-changed', 'p-7'],
    ]);
  });
});
