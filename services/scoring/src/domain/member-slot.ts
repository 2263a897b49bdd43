import { slotWeights, type GroupMember, type RoleSlot } from '@bg/contracts';

/** The weight of a member whose role matches no slot (a manual add with another role): the template default. */
export const unslottedMemberWeight: number = slotWeights.Normal;

/**
 * The slot a member holds: the one its reason names, or — for manual adds (`reason.slot` null) and for a reason whose
 * slot has another role — the first slot with the member's role, so the role shown and the slot counted agree.
 * `null` when no slot has that role.
 */
export function memberSlotIndex(
  member: Pick<GroupMember, 'role' | 'reason'>,
  slots: readonly Pick<RoleSlot, 'role'>[],
): number | null {
  const named = member.reason.slot;
  if (named !== null && slots[named]?.role === member.role) return named;
  const byRole = slots.findIndex((slot) => slot.role === member.role);
  return byRole === -1 ? null : byRole;
}

/** Each member with the weight of the slot it holds: the input of the group engagement score. */
export function memberSlotWeights(
  members: readonly Pick<GroupMember, 'personId' | 'role' | 'reason'>[],
  slots: readonly Pick<RoleSlot, 'role' | 'weight'>[],
): { personId: string; slotWeight: number }[] {
  return members.map((member) => {
    const index = memberSlotIndex(member, slots);
    const slot = index === null ? undefined : slots[index];
    return { personId: member.personId, slotWeight: slot?.weight ?? unslottedMemberWeight };
  });
}
