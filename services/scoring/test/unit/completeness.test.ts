import { describe, expect, it } from 'vitest';
import { computeCompleteness, missingRoles } from '../../src/domain/completeness';
import { member, slot } from './fixtures';

const threeRequired = [
  slot('Decision Maker', { required: true }),
  slot('Influencer', { required: true }),
  slot('Champion', { required: true }),
];

describe('computeCompleteness', () => {
  it('scores 33 when 1 of 3 required slots is filled', () => {
    const result = computeCompleteness(threeRequired, [member('p-1', 'Decision Maker', 0)]);
    expect(result.score).toBe(33);
  });

  it('scores 67 when 2 of 3 required slots are filled (66.67 rounds up)', () => {
    const result = computeCompleteness(threeRequired, [
      member('p-1', 'Decision Maker', 0),
      member('p-2', 'Influencer', 1),
    ]);
    expect(result.score).toBe(67);
  });

  it('scores 100 when every required slot is filled', () => {
    const result = computeCompleteness(threeRequired, [
      member('p-1', 'Decision Maker', 0),
      member('p-2', 'Influencer', 1),
      member('p-3', 'Champion', 2),
    ]);
    expect(result.score).toBe(100);
  });

  it('scores a slot with 4 members and minMembers 3 at 100, never above', () => {
    const slots = [slot('Practitioner', { required: true, minMembers: 3 })];
    const members = ['p-1', 'p-2', 'p-3', 'p-4'].map((id) => member(id, 'Practitioner', 0));
    const result = computeCompleteness(slots, members);
    expect(result.slots[0]).toEqual({ role: 'Practitioner', required: true, assigned: 4, minMembers: 3, score: 100 });
    expect(result.score).toBe(100);
  });

  it('counts a partly filled slot by its fraction: 1 of minMembers 3 scores 33', () => {
    const slots = [slot('Practitioner', { required: true, minMembers: 3 })];
    const result = computeCompleteness(slots, [member('p-1', 'Practitioner', 0)]);
    expect(result.slots[0]?.score).toBe(33);
    expect(result.score).toBe(33);
  });

  it('rounds a group mean of exactly 62.5 up to 63', () => {
    const slots = [
      slot('Influencer', { required: true, minMembers: 2 }),
      slot('Practitioner', { required: true, minMembers: 4 }),
    ];
    const members = [
      member('p-1', 'Influencer', 0),
      member('p-2', 'Practitioner', 1),
      member('p-3', 'Practitioner', 1),
      member('p-4', 'Practitioner', 1),
    ];
    expect(computeCompleteness(slots, members).score).toBe(63);
  });

  it('rounds a mean of 14.5 up to 15 although 0.145 * 100 is 14.4999… in floating point', () => {
    expect(0.145 * 100).toBeLessThan(14.5);
    // Fills 29/100 and 0: a mean of 0.145.
    const slots = [slot('Practitioner', { required: true, minMembers: 100 }), slot('Champion', { required: true })];
    const members = Array.from({ length: 29 }, (_, i) => member(`p-${i}`, 'Practitioner', 0));
    expect(computeCompleteness(slots, members).score).toBe(15);
  });

  it('rounds a per-slot score half up: 1 of 8 is 12.5 → 13 and 29 of 200 is 14.5 → 15', () => {
    const slots = [slot('Influencer', { minMembers: 8 }), slot('Practitioner', { minMembers: 200 })];
    const members = [
      member('p-0', 'Influencer', 0),
      ...Array.from({ length: 29 }, (_, i) => member(`p-${i + 1}`, 'Practitioner', 1)),
    ];
    expect(computeCompleteness(slots, members).slots.map((s) => s.score)).toEqual([13, 15]);
  });

  it('ignores optional slots when at least one slot is required', () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const result = computeCompleteness(slots, [member('p-1', 'Practitioner', 1)]);
    expect(result.score).toBe(0);
    expect(result.slots[1]?.score).toBe(100);
  });

  it('averages over all slots when none is required', () => {
    const slots = [slot('Decision Maker'), slot('Influencer'), slot('Practitioner'), slot('Champion')];
    const result = computeCompleteness(slots, [member('p-1', 'Influencer', 1)]);
    expect(result.score).toBe(25);
  });

  it('scores an empty group 0 and still shows every slot', () => {
    const result = computeCompleteness(threeRequired, []);
    expect(result.score).toBe(0);
    expect(result.slots).toEqual([
      { role: 'Decision Maker', required: true, assigned: 0, minMembers: 1, score: 0 },
      { role: 'Influencer', required: true, assigned: 0, minMembers: 1, score: 0 },
      { role: 'Champion', required: true, assigned: 0, minMembers: 1, score: 0 },
    ]);
  });

  it('scores a template without slots 0', () => {
    expect(computeCompleteness([], [])).toEqual({ score: 0, slots: [] });
  });

  it('counts a member towards the slot its reason names, even when an earlier slot has the same role', () => {
    const slots = [slot('Influencer', { required: true }), slot('Influencer', { required: true, minMembers: 2 })];
    const result = computeCompleteness(slots, [member('p-1', 'Influencer', 1)]);
    expect(result.slots.map((s) => s.assigned)).toEqual([0, 1]);
  });

  it('counts a manual add (reason.slot null) towards the first slot with its role', () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Influencer'), slot('Influencer')];
    const result = computeCompleteness(slots, [member('p-1', 'Influencer', null)]);
    expect(result.slots.map((s) => s.assigned)).toEqual([0, 1, 0]);
  });

  it('counts a member whose reason names a slot of another role towards the first slot of its own role', () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Influencer', { required: true })];
    const result = computeCompleteness(slots, [member('p-1', 'Influencer', 0)]);
    expect(result.slots.map((s) => s.assigned)).toEqual([0, 1]);
  });

  it('counts a member whose role has no slot nowhere', () => {
    const result = computeCompleteness(threeRequired, [member('p-1', 'Other', null)]);
    expect(result.slots.map((s) => s.assigned)).toEqual([0, 0, 0]);
    expect(result.score).toBe(0);
  });
});

describe('missingRoles', () => {
  it('lists the required slots below minMembers, in slot order', () => {
    const completeness = computeCompleteness(threeRequired, [member('p-1', 'Influencer', 1)]);
    expect(missingRoles(completeness, threeRequired)).toEqual(['Decision Maker', 'Champion']);
  });

  it('never lists an optional slot, however empty', () => {
    const slots = [slot('Decision Maker', { required: true }), slot('Practitioner')];
    const completeness = computeCompleteness(slots, [member('p-1', 'Decision Maker', 0)]);
    expect(missingRoles(completeness, slots)).toEqual([]);
  });

  it('lists a slot with fewer members than minMembers, and not one that has exactly minMembers', () => {
    const slots = [
      slot('Practitioner', { required: true, minMembers: 2 }),
      slot('Influencer', { required: true, minMembers: 2 }),
    ];
    const members = [member('p-1', 'Practitioner', 0), member('p-2', 'Influencer', 1), member('p-3', 'Influencer', 1)];
    expect(missingRoles(computeCompleteness(slots, members), slots)).toEqual(['Practitioner']);
  });

  it('lists a role once when several of its required slots are missing', () => {
    const slots = [
      slot('Influencer', { required: true }),
      slot('Champion', { required: true }),
      slot('Influencer', { required: true }),
    ];
    expect(missingRoles(computeCompleteness(slots, []), slots)).toEqual(['Influencer', 'Champion']);
  });

  it('lists a role when one of its required slots is filled and another is not', () => {
    const slots = [slot('Influencer', { required: true }), slot('Influencer', { required: true })];
    const completeness = computeCompleteness(slots, [member('p-1', 'Influencer', 0)]);
    expect(missingRoles(completeness, slots)).toEqual(['Influencer']);
  });
});
