import type { BuyingGroupChanged, RoleGap, RoleSlot } from '@bg/contracts';
import type { RoleTransitions } from './group-snapshot';

export interface RoleGapEvent {
  kind: 'missing' | 'filled';
  gap: RoleGap;
}

/**
 * The internal role-missing / role-filled events of a published version, one per transition, for enrichment. Each
 * names the slot concerned: the first required slot of that role still short (missing) or the first required one
 * (filled), with its definition so that enrichment can search for people who match it.
 */
export function roleGapEvents(
  snapshot: BuyingGroupChanged,
  slots: readonly RoleSlot[],
  transitions: RoleTransitions,
): RoleGapEvent[] {
  const assigned = (index: number) => snapshot.completeness.slots[index]?.assigned ?? 0;
  const event = (kind: RoleGapEvent['kind'], role: string, isTheSlot: (slot: RoleSlot, index: number) => boolean) => {
    const index = slots.findIndex((slot, i) => slot.role === role && slot.required && isTheSlot(slot, i));
    const slotDefinition = slots[index];
    if (!slotDefinition) return [];
    const gap: RoleGap = {
      buyingGroupId: snapshot.buyingGroupId,
      version: snapshot.version,
      accountId: snapshot.accountId,
      solutionInterestId: snapshot.solutionInterestId,
      role,
      slot: index,
      slotDefinition,
      assigned: assigned(index),
      occurredAt: snapshot.computedAt,
      cause: snapshot.cause,
    };
    return [{ kind, gap }];
  };
  return [
    ...transitions.missing.flatMap((role) => event('missing', role, (slot, i) => assigned(i) < slot.minMembers)),
    ...transitions.filled.flatMap((role) => event('filled', role, () => true)),
  ];
}
