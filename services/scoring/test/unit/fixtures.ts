import {
  groupMemberSchema,
  groupRecomputedSchema,
  roleSlotSchema,
  type GroupMember,
  type GroupRecomputed,
  type RoleSlot,
} from '@bg/contracts';

/** Builders that go through the contract schemas, so every fixture is a message the service could really receive. */

export function slot(
  role: string,
  options: { required?: boolean; minMembers?: number; weight?: number } = {},
): RoleSlot {
  return roleSlotSchema.parse({ role, conditions: { field: 'jobTitle', op: 'exists' }, ...options });
}

export function member(
  personId: string,
  role: string,
  slotIndex: number | null,
  options: Partial<Pick<GroupMember, 'source' | 'since'>> = {},
): GroupMember {
  return groupMemberSchema.parse({
    personId,
    role,
    source: slotIndex === null ? 'manual' : 'rule',
    since: '2026-11-01T00:00:00.000Z',
    reason: { slot: slotIndex, matched: [] },
    ...options,
  });
}

/** Decision Maker (required), Influencer (required), Practitioner (optional): the template most tests use. */
export const templateSlots: RoleSlot[] = [
  slot('Decision Maker', { required: true, weight: 100 }),
  slot('Influencer', { required: true, weight: 80 }),
  slot('Practitioner', { weight: 40 }),
];

export function recomputed(overrides: Partial<GroupRecomputed> = {}): GroupRecomputed {
  return groupRecomputedSchema.parse({
    buyingGroupId: 'bg-1',
    accountId: 'acc-1',
    solutionInterestId: 'si-x',
    name: 'Product X for Acme Corp',
    status: 'active',
    slots: templateSlots,
    members: [],
    removedMembers: [],
    membershipVersion: 1,
    cause: { eventId: 'evt-1', eventType: 'person.upserted' },
    ...overrides,
  });
}
