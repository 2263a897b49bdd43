import { describe, expect, it } from 'vitest';
import type { GroupMember, RemovedMember } from '@bg/contracts';
import { expectedOutcome, type MemberCommandPlan } from '../../src/domain/member-expectation';

const member = (personId: string, role: string, source: GroupMember['source'] = 'rule'): GroupMember => ({
  personId,
  role,
  source,
  since: '2026-11-26T10:00:00Z',
  reason: { slot: 0, matched: [] },
});
const removed = (personId: string, role: string, source: RemovedMember['source']): RemovedMember => ({
  personId,
  role,
  source,
  removedAt: '2026-11-26T10:00:00Z',
});
const plan = (overrides: Partial<MemberCommandPlan>): MemberCommandPlan => ({
  action: 'add',
  personId: 'p-1',
  role: 'Decision Maker',
  group: { accountId: 'acc-1', members: [member('p-2', 'Influencer')], removedMembers: [] },
  personInScope: true,
  ...overrides,
});

describe('what a manual edit will do', () => {
  it('adds a newcomer, moves a member to another role, and pins a rule member in place', () => {
    expect(expectedOutcome(plan({}))).toBe("p-1 will be added as 'Decision Maker' (manual), whatever the rules say");
    expect(expectedOutcome(plan({ personId: 'p-2' }))).toBe(
      "p-2 will move from 'Influencer' to 'Decision Maker' (manual)",
    );
    expect(expectedOutcome(plan({ personId: 'p-2', role: 'Influencer' }))).toContain('now held manually');
  });

  it('says when nothing will change, and when a removed person comes back', () => {
    const group = {
      accountId: 'acc-1',
      members: [member('p-1', 'Decision Maker', 'manual')],
      removedMembers: [removed('p-3', 'Champion', 'import')],
    };
    expect(expectedOutcome(plan({ group }))).toContain('nothing will change');
    expect(expectedOutcome(plan({ group, personId: 'p-3' }))).toBe(
      "p-3, removed earlier (import), will be added back as 'Decision Maker' (manual)",
    );
  });

  it('removes a member or keeps a non-member out, and tells when the person is not linked yet', () => {
    expect(expectedOutcome(plan({ action: 'remove', personId: 'p-2', role: 'Influencer' }))).toBe(
      "p-2 will be removed from 'Influencer' and kept out of the group, even when the rules match them",
    );
    expect(expectedOutcome(plan({ action: 'remove', role: null }))).toContain('is not a member');
    expect(expectedOutcome(plan({ personInScope: false }))).toContain(
      'not linked to account acc-1 yet, so the edit waits',
    );
  });
});
