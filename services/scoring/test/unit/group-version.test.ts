import { buyingGroupChangedSchema } from '@bg/contracts';
import { describe, expect, it } from 'vitest';
import {
  carryScores,
  noJourney,
  noMembers,
  withScores,
  type GroupHeader,
  type GroupMembers,
} from '../../src/domain/group-state';
import { decideVersion, groupEngagementOf } from '../../src/domain/group-version';
import { member, templateSlots } from './fixtures';

const now = new Date('2026-11-26T12:00:00.000Z');
const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);
const cy = member('p-cy', 'Practitioner', 2);
const header = (membershipVersion: number, overrides: Partial<GroupHeader> = {}): GroupHeader => ({
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
const causes = (eventId: string) => ({ cause: { eventId, eventType: 'person.upserted' }, coalesced: undefined });
const people = (members: (typeof ana)[], scores: [string, number][]): GroupMembers => ({
  members,
  removedMembers: [],
  scores: new Map(scores),
});

/** A group published once with Ana (40) and Ben (10): engagement (40×100 + 10×80) / 180 = 27. */
function publishedWithAnaAndBen() {
  const before = people(
    [ana, ben],
    [
      ['p-ana', 40],
      ['p-ben', 10],
    ],
  );
  const first = decideVersion({
    stored: null,
    before: noMembers,
    next: header(1),
    after: before,
    causes: causes('evt-1'),
    now,
  });
  return { stored: first.group, before };
}

describe('decideVersion', () => {
  it('publishes version 1 of a new group, stores its scores and writes every member row', () => {
    const decision = decideVersion({
      stored: null,
      before: noMembers,
      next: header(1),
      after: people(
        [ana, ben],
        [
          ['p-ana', 40],
          ['p-ben', 10],
        ],
      ),
      causes: causes('evt-1'),
      now,
    });
    expect(decision.published?.snapshot).toMatchObject({
      version: 1,
      completeness: { score: 100 },
      engagement: {
        score: 27,
        members: [
          { personId: 'p-ana', score: 40, weight: 100 },
          { personId: 'p-ben', score: 10, weight: 80 },
        ],
      },
      missingRoles: [],
    });
    expect(buyingGroupChangedSchema.parse(decision.published?.snapshot)).toEqual(decision.published?.snapshot);
    expect(decision.group).toEqual({
      ...header(1),
      version: 1,
      completeness: 100,
      engagement: 27,
      missingRoles: [],
      stage: null,
      signals: null,
      // Progress is kept even without signals: switching them on later counts from it.
      lastProgressAt: now.toISOString(),
      signalsDueAt: null,
    });
    expect(decision.groupChanged).toBe(true);
    expect(decision.rows.upserted.map((row) => row.personId)).toEqual(['p-ana', 'p-ben']);
  });

  it('when one member joins, scores only the joiner, keeps the others’ stored scores and writes only the joiner’s row', () => {
    const { stored, before } = publishedWithAnaAndBen();
    // Fresh scores would move Ana and Ben too (the clock), but a membership change leaves that to the re-score.
    const fresh = (personId: string) => ({ 'p-ana': 90, 'p-ben': 90, 'p-cy': 60 })[personId] ?? 0;
    const after = carryScores(before, { members: [ana, ben, cy], removedMembers: [] }, fresh);
    const decision = decideVersion({ stored, before, next: header(2), after, causes: causes('evt-2'), now });
    expect(decision.published?.snapshot.engagement.members).toEqual([
      { personId: 'p-ana', score: 40, weight: 100 },
      { personId: 'p-ben', score: 10, weight: 80 },
      { personId: 'p-cy', score: 60, weight: 40 },
    ]);
    expect(decision.published?.snapshot.changes).toEqual([
      { kind: 'member.added', personId: 'p-cy', role: 'Practitioner', source: 'rule' },
      { kind: 'engagement.changed', from: 27, to: 33 }, // (40×100 + 10×80 + 60×40) / 220
    ]);
    expect(decision.rows).toEqual({
      upserted: [expect.objectContaining({ personId: 'p-cy', engagement: 60 })],
      deleted: [],
    });
  });

  it('publishes nothing for a change a reader would not see, but stores its membership version', () => {
    const { stored, before } = publishedWithAnaAndBen();
    const decision = decideVersion({ stored, before, next: header(2), after: before, causes: causes('evt-2'), now });
    expect(decision.published).toBeNull();
    expect(decision.group).toEqual({ ...stored, membershipVersion: 2 });
    expect(decision.groupChanged).toBe(true);
    expect(decision.rows).toEqual({ upserted: [], deleted: [] });
  });

  it('compares with what the last version showed, per-slot breakdown included', () => {
    const { stored, before } = publishedWithAnaAndBen();
    const slots = templateSlots.map((s, i) => (i === 1 ? { ...s, minMembers: 2 } : s));
    const decision = decideVersion({
      stored,
      before,
      next: header(2, { slots }),
      after: before,
      causes: causes('evt-2'),
      now,
    });
    expect(decision.published?.snapshot.completeness).toMatchObject({
      score: 75,
      slots: [{}, { assigned: 1, minMembers: 2, score: 50 }, {}],
    });
    expect(decision.published?.snapshot.changes).toEqual([
      { kind: 'role.missing', role: 'Influencer' },
      { kind: 'completeness.changed', from: 100, to: 75 },
    ]);
  });

  it('writes a member’s new score without a version when the group score does not move', () => {
    const { stored, before } = publishedWithAnaAndBen();
    const after = withScores(before, (personId) => (personId === 'p-ben' ? 11 : undefined));
    const decision = decideVersion({ stored, before, next: stored, after, causes: causes('act-1'), now });
    expect(decision.published).toBeNull();
    expect(decision.groupChanged).toBe(false);
    expect(decision.rows).toEqual({
      upserted: [expect.objectContaining({ personId: 'p-ben', engagement: 11 })],
      deleted: [],
    });
  });

  it('publishes engagement.changed when a member’s new score moves the group score', () => {
    const { stored, before } = publishedWithAnaAndBen();
    const after = withScores(before, (personId) => (personId === 'p-ana' ? 80 : undefined));
    const decision = decideVersion({ stored, before, next: stored, after, causes: causes('act-1'), now });
    expect(decision.published?.snapshot).toMatchObject({
      version: 2,
      changes: [{ kind: 'engagement.changed', from: 27, to: 49 }],
      cause: { eventId: 'act-1' },
    });
    expect(decision.group).toEqual({ ...stored, version: 2, engagement: 49 });
  });

  it('stores a group dissolved before it was ever published without publishing it', () => {
    const decision = decideVersion({
      stored: null,
      before: noMembers,
      next: header(1, { status: 'dissolved' }),
      after: people([ana], [['p-ana', 0]]),
      causes: causes('evt-1'),
      now,
    });
    expect(decision.published).toBeNull();
    expect(decision.group).toMatchObject({ version: 0, completeness: 0, engagement: 0, missingRoles: [] });
  });
});

describe('groupEngagementOf', () => {
  it('weights each member’s score by the slot they hold', () => {
    // Decision Maker 60 at weight 100, Practitioner 0 at weight 40: 6000 / 140.
    expect(groupEngagementOf(templateSlots, people([ana, cy], [['p-ana', 60]]))).toEqual({
      score: 43,
      members: [
        { personId: 'p-ana', score: 60, weight: 100 },
        { personId: 'p-cy', score: 0, weight: 40 },
      ],
    });
  });

  it('is 0 for a group without members', () => {
    expect(groupEngagementOf(templateSlots, noMembers).score).toBe(0);
  });
});
