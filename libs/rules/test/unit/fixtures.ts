import { roleSlotSchema, type ConditionNode, type RoleSlot } from '@bg/contracts';
import { personSubject, type PersonFields } from '../../src/conditions';
import type { Candidate, Membership } from '../../src/membership';

/** Shared builders for the domain tests; slots go through the contract schema so fixtures stay valid. */

export const NOW = '2026-11-26T10:00:00.000Z';
export const EARLIER = '2026-11-01T08:00:00.000Z';
export const EARLIEST = '2026-10-01T08:00:00.000Z';

export const empty: Membership = { members: [], removedMembers: [] };

export function slot(role: string, conditions: ConditionNode, extra: Partial<RoleSlot> = {}): RoleSlot {
  return roleSlotSchema.parse({ role, conditions, ...extra });
}

export const titleHas = (...words: string[]): ConditionNode => ({ field: 'jobTitle', op: 'hasAnyWord', value: words });

export function candidate(
  personId: string,
  fields: PersonFields,
  relationship: string | null = 'employee',
  engagementScore?: number,
): Candidate {
  return { personId, subject: personSubject(fields, relationship, engagementScore) };
}
