import type { GroupMember, RoleSlot, SlotScore } from '@bg/contracts';
import { memberSlotIndex } from './member-slot';
import { roundHalfUpRatio } from './round-half-up';

export type CompletenessSlot = Pick<RoleSlot, 'role' | 'required' | 'minMembers'>;

export interface Completeness {
  /** 0–100: mean fill of the required slots (of all slots when none is required). */
  score: number;
  /** One per slot, in slot order: always shown so a score can be explained. */
  slots: SlotScore[];
}

/** Completeness of a group: each slot is filled `min(assigned / minMembers, 1)`; rounding is half up, exactly. */
export function computeCompleteness(
  slots: readonly CompletenessSlot[],
  members: readonly Pick<GroupMember, 'role' | 'reason'>[],
): Completeness {
  const assigned = slots.map(() => 0);
  for (const member of members) {
    const index = memberSlotIndex(member, slots);
    if (index !== null) assigned[index] = (assigned[index] ?? 0) + 1;
  }
  const scored: SlotScore[] = slots.map((slot, index) => {
    const count = assigned[index] ?? 0;
    return {
      role: slot.role,
      required: slot.required,
      assigned: count,
      minMembers: slot.minMembers,
      score: roundHalfUpRatio(100n * filled(count, slot.minMembers), BigInt(slot.minMembers)),
    };
  });
  const required = scored.filter((slot) => slot.required);
  return { score: meanFillPercent(required.length > 0 ? required : scored), slots: scored };
}

/** Roles of the required slots still below their minMembers, in slot order, each once. */
export function missingRoles(completeness: Pick<Completeness, 'slots'>, slots: readonly CompletenessSlot[]): string[] {
  const missing = slots
    .filter((slot, index) => slot.required && (completeness.slots[index]?.assigned ?? 0) < slot.minMembers)
    .map((slot) => slot.role);
  return [...new Set(missing)];
}

function filled(assigned: number, minMembers: number): bigint {
  return BigInt(Math.min(assigned, minMembers));
}

function meanFillPercent(slots: readonly SlotScore[]): number {
  if (slots.length === 0) return 0;
  // Sum the fill fractions over a common denominator so that a mean of exactly x.5 rounds up, never down by float error.
  const denominator = slots.reduce((lcm, slot) => leastCommonMultiple(lcm, BigInt(slot.minMembers)), 1n);
  const numerator = slots.reduce(
    (sum, slot) => sum + filled(slot.assigned, slot.minMembers) * (denominator / BigInt(slot.minMembers)),
    0n,
  );
  return roundHalfUpRatio(100n * numerator, denominator * BigInt(slots.length));
}

function leastCommonMultiple(a: bigint, b: bigint): bigint {
  return (a / greatestCommonDivisor(a, b)) * b;
}

function greatestCommonDivisor(a: bigint, b: bigint): bigint {
  return b === 0n ? a : greatestCommonDivisor(b, a % b);
}
