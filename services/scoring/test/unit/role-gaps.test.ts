import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/domain/group-snapshot';
import { roleGapEvents } from '../../src/domain/role-gaps';
import { group, member, slot, templateSlots } from './fixtures';

const now = new Date('2026-11-26T12:00:00.000Z');
const noEngagement = { score: 0, members: [] };
const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);

describe('roleGapEvents', () => {
  it('gives one role-missing event per missing role, naming the slot, its definition, what is assigned and the cause', () => {
    const input = group({ members: [ana], cause: { eventId: 'evt-7', eventType: 'person.deleted' } });
    const result = buildSnapshot(input, noEngagement, null, now)!;
    expect(roleGapEvents(result.snapshot, templateSlots, result.roleTransitions)).toEqual([
      {
        kind: 'missing',
        gap: {
          buyingGroupId: 'bg-1',
          version: result.snapshot.version,
          accountId: 'acc-1',
          solutionInterestId: 'si-x',
          role: 'Influencer',
          slot: 1,
          slotDefinition: templateSlots[1],
          assigned: 0,
          occurredAt: now.toISOString(),
          cause: { eventId: 'evt-7', eventType: 'person.deleted' },
        },
      },
    ]);
  });

  it('gives a role-filled event when a missing role recovers', () => {
    const v1 = buildSnapshot(group({ members: [ana] }), noEngagement, null, now)!.snapshot;
    const result = buildSnapshot(group({ members: [ana, ben] }), noEngagement, v1, now)!;
    const events = roleGapEvents(result.snapshot, templateSlots, result.roleTransitions);
    expect(events.map(({ kind, gap }) => [kind, gap.role, gap.slot, gap.assigned])).toEqual([
      ['filled', 'Influencer', 1, 1],
    ]);
  });

  it('names the short slot when a role has several required slots', () => {
    const slots = [
      slot('Decision Maker', { required: true }),
      slot('Influencer', { required: true }),
      slot('Decision Maker', { required: true, minMembers: 2 }),
    ];
    const input = group({ slots, members: [ana, ben, member('p-cy', 'Decision Maker', 2)] });
    const result = buildSnapshot(input, noEngagement, null, now)!;
    expect(
      roleGapEvents(result.snapshot, slots, result.roleTransitions).map(({ gap }) => [gap.slot, gap.assigned]),
    ).toEqual([[2, 1]]);
  });

  it('gives nothing without a transition', () => {
    const v1 = buildSnapshot(group({ members: [ana, ben] }), noEngagement, null, now)!.snapshot;
    const result = buildSnapshot(group({ members: [ana, ben], name: 'renamed' }), noEngagement, v1, now)!;
    expect(roleGapEvents(result.snapshot, templateSlots, result.roleTransitions)).toEqual([]);
  });
});
