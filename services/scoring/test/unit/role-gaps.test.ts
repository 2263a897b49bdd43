import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/domain/group-snapshot';
import { roleGapEvents } from '../../src/domain/role-gaps';
import { member, recomputed, slot } from './fixtures';

const now = new Date('2026-11-26T12:00:00.000Z');
const noEngagement = { score: 0, members: [] };
const ana = member('p-ana', 'Decision Maker', 0);
const ben = member('p-ben', 'Influencer', 1);

describe('roleGapEvents', () => {
  it('gives one role-missing event per missing role, naming the slot, its definition, what is assigned and the cause', () => {
    const input = recomputed({ members: [ana], cause: { eventId: 'evt-7', eventType: 'person.deleted' } });
    const result = buildSnapshot(input, noEngagement, null, now);
    expect(roleGapEvents(result.snapshot, input.slots, result.roleTransitions)).toEqual([
      {
        kind: 'missing',
        gap: {
          buyingGroupId: 'bg-1',
          accountId: 'acc-1',
          solutionInterestId: 'si-x',
          role: 'Influencer',
          slot: 1,
          slotDefinition: input.slots[1],
          assigned: 0,
          occurredAt: now.toISOString(),
          cause: { eventId: 'evt-7', eventType: 'person.deleted' },
        },
      },
    ]);
  });

  it('gives a role-filled event when a missing role recovers', () => {
    const v1 = buildSnapshot(recomputed({ members: [ana] }), noEngagement, null, now).snapshot;
    const input = recomputed({ members: [ana, ben] });
    const result = buildSnapshot(input, noEngagement, v1, now);
    const events = roleGapEvents(result.snapshot, input.slots, result.roleTransitions);
    expect(events.map(({ kind, gap }) => [kind, gap.role, gap.slot, gap.assigned])).toEqual([['filled', 'Influencer', 1, 1]]);
  });

  it('names the short slot when a role has several required slots', () => {
    const slots = [
      slot('Decision Maker', { required: true }),
      slot('Influencer', { required: true }),
      slot('Decision Maker', { required: true, minMembers: 2 }),
    ];
    const input = recomputed({ slots, members: [ana, ben, member('p-cy', 'Decision Maker', 2)] });
    const result = buildSnapshot(input, noEngagement, null, now);
    expect(roleGapEvents(result.snapshot, slots, result.roleTransitions).map(({ gap }) => [gap.slot, gap.assigned])).toEqual([
      [2, 1],
    ]);
  });

  it('gives nothing without a transition', () => {
    const input = recomputed({ members: [ana, ben] });
    const v1 = buildSnapshot(input, noEngagement, null, now).snapshot;
    const result = buildSnapshot(recomputed({ members: [ana, ben], name: 'renamed' }), noEngagement, v1, now);
    expect(roleGapEvents(result.snapshot, input.slots, result.roleTransitions)).toEqual([]);
  });
});
