import { buyingGroupChangedSchema, type BuyingGroupChanged } from '@bg/contracts';
import { describe, expect, it } from 'vitest';
import type { GroupEngagement } from '../../src/domain/engagement';
import { buildSnapshot, type GroupView, type PreviousVersion } from '../../src/domain/group-snapshot';
import { group, member } from './fixtures';

const now = new Date('2026-11-26T10:00:00.000Z');
const later = new Date('2026-11-26T10:05:00.000Z');
const noEngagement: GroupEngagement = { score: 0, members: [] };

const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);
const cy = member('p-cy', 'Practitioner', 2);

/** The version published for `view`, as the next call sees it. */
function publish(
  view: GroupView,
  engagement = noEngagement,
  previous: PreviousVersion | null = null,
): BuyingGroupChanged {
  return next(view, engagement, previous, now).snapshot;
}

/** The next version, which must be published. */
function next(view: GroupView, engagement: GroupEngagement, previous: PreviousVersion | null, at = later) {
  const version = buildSnapshot(view, engagement, previous, at);
  expect(version).not.toBeNull();
  return version!;
}

describe('buildSnapshot', () => {
  describe('a new group', () => {
    it('is version 1 with group.created, a member.added per member, role.missing per missing role and its scores', () => {
      const input = group({ members: [ana, cy] });
      const { snapshot, roleTransitions } = next(
        input,
        { score: 40, members: [{ personId: 'p-ana', score: 40, weight: 100 }] },
        null,
        now,
      );
      expect(snapshot.version).toBe(1);
      expect(snapshot.changes).toEqual([
        { kind: 'group.created' },
        { kind: 'member.added', personId: 'p-ana', role: 'Decision Maker', source: 'rule' },
        { kind: 'member.added', personId: 'p-cy', role: 'Practitioner', source: 'rule' },
        { kind: 'role.missing', role: 'Influencer' },
        { kind: 'completeness.changed', from: 0, to: 50 },
        { kind: 'engagement.changed', from: 0, to: 40 },
      ]);
      expect(roleTransitions).toEqual({ missing: ['Influencer'], filled: [] });
      expect(snapshot.missingRoles).toEqual(['Influencer']);
      expect(buyingGroupChangedSchema.parse(snapshot)).toEqual(snapshot);
    });

    it('without members reports group.created and every required role missing, and no score change from 0', () => {
      const { snapshot } = next(group(), noEngagement, null, now);
      expect(snapshot.completeness.score).toBe(0);
      expect(snapshot.engagement.score).toBe(0);
      expect(snapshot.changes).toEqual([
        { kind: 'group.created' },
        { kind: 'role.missing', role: 'Decision Maker' },
        { kind: 'role.missing', role: 'Influencer' },
      ]);
    });

    it('that is already dissolved when first computed emits nothing', () => {
      expect(buildSnapshot(group({ status: 'dissolved', members: [ana] }), noEngagement, null, now)).toBeNull();
    });
  });

  it('copies identity, membership, cause and coalesced inputs, and stamps computedAt with the given clock', () => {
    const removed = {
      personId: 'p-old',
      role: 'Champion',
      source: 'manual' as const,
      removedAt: '2026-11-20T00:00:00.000Z',
    };
    const input = group({
      members: [ana],
      removedMembers: [removed],
      cause: { eventId: 'evt-9', eventType: 'account.upserted' },
      coalesced: ['evt-7', 'evt-8'],
    });
    const snapshot = publish(input);
    expect(snapshot).toMatchObject({
      buyingGroupId: 'bg-1',
      accountId: 'acc-1',
      solutionInterestId: 'si-x',
      name: 'Product X for Acme Corp',
      status: 'active',
      members: [ana],
      removedMembers: [removed],
      cause: { eventId: 'evt-9', eventType: 'account.upserted' },
      coalesced: ['evt-7', 'evt-8'],
      computedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(publish(group())).not.toHaveProperty('coalesced');
  });

  it('shows the per-slot completeness breakdown and the engagement breakdown', () => {
    const engagement = { score: 30, members: [{ personId: 'p-ana', score: 30, weight: 100 }] };
    const snapshot = publish(group({ members: [ana] }), engagement);
    expect(snapshot.completeness).toEqual({
      score: 50,
      slots: [
        { role: 'Decision Maker', required: true, assigned: 1, minMembers: 1, score: 100 },
        { role: 'Influencer', required: true, assigned: 0, minMembers: 1, score: 0 },
        { role: 'Practitioner', required: false, assigned: 0, minMembers: 1, score: 0 },
      ],
    });
    expect(snapshot.engagement).toEqual(engagement);
  });

  it('raises the version by 1 per published change', () => {
    const v1 = publish(group());
    const v2 = publish(group({ members: [ana] }), noEngagement, v1);
    const v3 = publish(group({ members: [ana, ben] }), noEngagement, v2);
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
  });

  describe('when nothing changes', () => {
    it('publishes nothing for a new cause alone', () => {
      const v1 = publish(group({ members: [ana, ben] }), { score: 20, members: [] });
      const result = buildSnapshot(
        group({ members: [ana, ben], cause: { eventId: 'evt-2', eventType: 'person.upserted' } }),
        { score: 20, members: [] },
        v1,
        later,
      );
      expect(result).toBeNull();
    });

    it('ignores the order members come in', () => {
      const v1 = publish(group({ members: [ana, ben, cy] }));
      expect(buildSnapshot(group({ members: [cy, ana, ben] }), noEngagement, v1, later)).toBeNull();
    });

    it('ignores a member-level engagement move that leaves the group score where it was', () => {
      const v1 = publish(group({ members: [ana] }), {
        score: 20,
        members: [{ personId: 'p-ana', score: 20, weight: 100 }],
      });
      const moved = { score: 20, members: [{ personId: 'p-ana', score: 21, weight: 100 }] };
      expect(buildSnapshot(group({ members: [ana] }), moved, v1, later)).toBeNull();
    });

    it('emits nothing for a dissolved group that stays dissolved', () => {
      const v1 = publish(group({ members: [ana] }));
      const v2 = publish(group({ status: 'dissolved', members: [] }), noEngagement, v1);
      expect(buildSnapshot(group({ status: 'dissolved', members: [] }), noEngagement, v2, later)).toBeNull();
    });
  });

  describe('members', () => {
    it('when the only Decision Maker leaves, the group reports member.removed, role.missing and completeness.changed', () => {
      const v1 = publish(group({ members: [ana, ben] }));
      const { snapshot, roleTransitions } = next(group({ members: [ben] }), noEngagement, v1);
      expect(snapshot.version).toBe(2);
      expect(snapshot.changes).toEqual([
        { kind: 'member.removed', personId: 'p-ana', role: 'Decision Maker', source: 'rule' },
        { kind: 'role.missing', role: 'Decision Maker' },
        { kind: 'completeness.changed', from: 100, to: 50 },
      ]);
      expect(roleTransitions).toEqual({ missing: ['Decision Maker'], filled: [] });
      expect(snapshot.missingRoles).toEqual(['Decision Maker']);
    });

    it('when a person fills the missing Influencer role, the group reports member.added, role.filled and completeness.changed', () => {
      const v1 = publish(group({ members: [ana] }));
      const manualBen = member('p-ben', 'Influencer', null);
      const { snapshot, roleTransitions } = next(group({ members: [ana, manualBen] }), noEngagement, v1);
      expect(snapshot.changes).toEqual([
        { kind: 'member.added', personId: 'p-ben', role: 'Influencer', source: 'manual' },
        { kind: 'role.filled', role: 'Influencer' },
        { kind: 'completeness.changed', from: 50, to: 100 },
      ]);
      expect(roleTransitions).toEqual({ missing: [], filled: ['Influencer'] });
      expect(snapshot.missingRoles).toEqual([]);
    });

    it('when a member moves to another slot, the group reports member.role-changed from and to', () => {
      const v1 = publish(group({ members: [ana, ben, cy] }));
      const cyPromoted = member('p-cy', 'Influencer', 1);
      const benDemoted = member('p-ben', 'Practitioner', 2);
      const { snapshot } = next(group({ members: [ana, benDemoted, cyPromoted] }), noEngagement, v1);
      expect(snapshot.changes).toEqual([
        { kind: 'member.role-changed', personId: 'p-ben', from: 'Influencer', to: 'Practitioner' },
        { kind: 'member.role-changed', personId: 'p-cy', from: 'Practitioner', to: 'Influencer' },
      ]);
    });

    it('reports a manual removal with the source of the removal record', () => {
      const v1 = publish(group({ members: [ana, ben] }));
      const removed = {
        personId: 'p-ben',
        role: 'Influencer',
        source: 'manual' as const,
        removedAt: now.toISOString(),
      };
      const { snapshot } = next(group({ members: [ana], removedMembers: [removed] }), noEngagement, v1);
      expect(snapshot.changes[0]).toEqual({
        kind: 'member.removed',
        personId: 'p-ben',
        role: 'Influencer',
        source: 'manual',
      });
      expect(snapshot.removedMembers).toEqual([removed]);
    });

    it('names the rules as the remover when a member leaves without an explicit removal, whoever had added them', () => {
      const manualAna = member('p-ana', 'Decision Maker', null);
      const v1 = publish(group({ members: [manualAna, ben] }));
      const { snapshot } = next(group({ members: [ben] }), noEngagement, v1);
      expect(snapshot.changes[0]).toEqual({
        kind: 'member.removed',
        personId: 'p-ana',
        role: 'Decision Maker',
        source: 'rule',
      });
    });

    it('lists member changes by kind, then person: added, removed, role-changed', () => {
      const v1 = publish(group({ members: [ana, ben, member('p-zed', 'Practitioner', 2)] }));
      const { snapshot } = next(
        group({ members: [member('p-ana', 'Influencer', 1), cy, member('p-zed', 'Decision Maker', 0)] }),
        noEngagement,
        v1,
      );
      expect(snapshot.changes.filter((c) => c.kind.startsWith('member.'))).toEqual([
        { kind: 'member.added', personId: 'p-cy', role: 'Practitioner', source: 'rule' },
        { kind: 'member.removed', personId: 'p-ben', role: 'Influencer', source: 'rule' },
        { kind: 'member.role-changed', personId: 'p-ana', from: 'Decision Maker', to: 'Influencer' },
        { kind: 'member.role-changed', personId: 'p-zed', from: 'Practitioner', to: 'Decision Maker' },
      ]);
    });

    it('publishes a version without change entries when only a member’s source changes', () => {
      const v1 = publish(group({ members: [ana] }));
      const pinned = member('p-ana', 'Decision Maker', null, { source: 'manual' });
      const { snapshot } = next(group({ members: [pinned] }), noEngagement, v1);
      expect(snapshot.changes).toEqual([]);
      expect(snapshot.version).toBe(2);
    });
  });

  describe('scores', () => {
    it('reports engagement.changed from the published score to the new one', () => {
      const v1 = publish(group({ members: [ana] }), { score: 20, members: [] });
      const { snapshot } = next(group({ members: [ana] }), { score: 35, members: [] }, v1);
      expect(snapshot.changes).toEqual([{ kind: 'engagement.changed', from: 20, to: 35 }]);
      expect(snapshot.engagement.score).toBe(35);
    });

    it('reports completeness.changed but no role transition when an optional slot fills', () => {
      const slots = group().slots.map((s) => ({ ...s, required: false }));
      const v1 = publish(group({ slots, members: [ana] }));
      const { snapshot, roleTransitions } = next(group({ slots, members: [ana, cy] }), noEngagement, v1);
      expect(snapshot.changes).toEqual([
        { kind: 'member.added', personId: 'p-cy', role: 'Practitioner', source: 'rule' },
        { kind: 'completeness.changed', from: 33, to: 67 },
      ]);
      expect(roleTransitions).toEqual({ missing: [], filled: [] });
    });
  });

  describe('dissolution', () => {
    it('when the account leaves the audience, the group reports group.dissolved and its members removed, but no role transition', () => {
      const v1 = publish(group({ members: [ana, ben] }), { score: 50, members: [] });
      const { snapshot, roleTransitions } = next(group({ status: 'dissolved', members: [] }), noEngagement, v1);
      expect(snapshot.status).toBe('dissolved');
      expect(snapshot.changes).toEqual([
        { kind: 'group.dissolved' },
        { kind: 'member.removed', personId: 'p-ana', role: 'Decision Maker', source: 'rule' },
        { kind: 'member.removed', personId: 'p-ben', role: 'Influencer', source: 'rule' },
        { kind: 'completeness.changed', from: 100, to: 0 },
        { kind: 'engagement.changed', from: 50, to: 0 },
      ]);
      expect(roleTransitions).toEqual({ missing: [], filled: [] });
    });

    it('when a dissolved group is active again, it reports group.created and every missing role again', () => {
      const v1 = publish(group({ members: [ana] }));
      const v2 = publish(group({ status: 'dissolved', members: [ana] }), noEngagement, v1);
      expect(v2.changes).toEqual([{ kind: 'group.dissolved' }]);
      const { snapshot, roleTransitions } = next(group({ members: [ana] }), noEngagement, v2);
      expect(snapshot.version).toBe(3);
      expect(snapshot.changes).toEqual([{ kind: 'group.created' }, { kind: 'role.missing', role: 'Influencer' }]);
      expect(roleTransitions).toEqual({ missing: ['Influencer'], filled: [] });
    });
  });

  it('publishes a renamed group although no change kind applies', () => {
    const v1 = publish(group());
    const { snapshot } = next(group({ name: 'Product X for Acme Inc' }), noEngagement, v1);
    expect(snapshot.changes).toEqual([]);
    expect(snapshot.name).toBe('Product X for Acme Inc');
  });

  it('produces snapshots that satisfy the public contract', () => {
    const v1 = publish(group({ members: [ana, ben, cy] }), { score: 12, members: [] });
    const v2 = publish(group({ status: 'dissolved' }), noEngagement, v1);
    for (const snapshot of [v1, v2]) expect(() => buyingGroupChangedSchema.parse(snapshot)).not.toThrow();
  });
});
