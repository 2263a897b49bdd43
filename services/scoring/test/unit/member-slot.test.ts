import { describe, expect, it } from 'vitest';
import { memberSlotIndex, memberSlotWeights, unslottedMemberWeight } from '../../src/domain/member-slot';
import { member, slot } from './fixtures';

const slots = [
  slot('Decision Maker', { weight: 100 }),
  slot('Influencer', { weight: 40 }),
  slot('Influencer', { weight: 80 }),
];

describe('memberSlotIndex', () => {
  it('is the slot the reason names when that slot has the member role', () => {
    expect(memberSlotIndex(member('p-1', 'Influencer', 2), slots)).toBe(2);
  });

  it('is the first slot with the member role for a manual add', () => {
    expect(memberSlotIndex(member('p-1', 'Influencer', null), slots)).toBe(1);
  });

  it('is the first slot with the member role when the named slot is out of range', () => {
    expect(memberSlotIndex(member('p-1', 'Decision Maker', 7), slots)).toBe(0);
  });

  it('is null when no slot has the member role', () => {
    expect(memberSlotIndex(member('p-1', 'Champion', null), slots)).toBeNull();
  });
});

describe('memberSlotWeights', () => {
  it('gives each member the weight of its slot, and the Normal weight to a member whose role has no slot', () => {
    const members = [
      member('p-1', 'Decision Maker', 0),
      member('p-2', 'Influencer', 2),
      member('p-3', 'Influencer', null),
      member('p-4', 'Champion', null),
    ];
    expect(memberSlotWeights(members, slots)).toEqual([
      { personId: 'p-1', slotWeight: 100 },
      { personId: 'p-2', slotWeight: 80 },
      { personId: 'p-3', slotWeight: 40 },
      { personId: 'p-4', slotWeight: unslottedMemberWeight },
    ]);
    expect(unslottedMemberWeight).toBe(60);
  });
});
