import {
  causeSchema,
  groupMemberSchema,
  groupMembershipChangedSchema,
  roleSlotSchema,
  type GroupMember,
  type GroupMembershipChanged,
  type RoleSlot,
} from '@bg/contracts';
import type { GroupView } from '../../src/domain/group-snapshot';

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

/** The group a version shows: Product X for Acme Corp, active, with the template's slots and no one in it. */
export function group(overrides: Partial<GroupView> = {}): GroupView {
  return {
    buyingGroupId: 'bg-1',
    accountId: 'acc-1',
    solutionInterestId: 'si-x',
    name: 'Product X for Acme Corp',
    status: 'active',
    slots: templateSlots,
    members: [],
    removedMembers: [],
    cause: causeSchema.parse({ eventId: 'evt-1', eventType: 'person.upserted' }),
    ...overrides,
  };
}

/** A membership change of group bg-1 as role-assignment sends it (nothing changed unless said). */
export function membershipChange(
  membershipVersion: number,
  overrides: Partial<Omit<GroupMembershipChanged, 'members' | 'removedMembers'>> & {
    members?: Partial<GroupMembershipChanged['members']>;
    removedMembers?: Partial<GroupMembershipChanged['removedMembers']>;
  } = {},
): GroupMembershipChanged {
  const { members, removedMembers, ...rest } = overrides;
  return groupMembershipChangedSchema.parse({
    buyingGroupId: 'bg-1',
    accountId: 'acc-1',
    solutionInterestId: 'si-x',
    name: 'Product X for Acme Corp',
    status: 'active',
    membershipVersion,
    ...(membershipVersion === 1 ? { slots: templateSlots } : {}),
    cause: { eventId: `evt-m${membershipVersion}`, eventType: 'person.upserted' },
    ...rest,
    members: { upserted: [], removed: [], ...members },
    removedMembers: { upserted: [], cleared: [], ...removedMembers },
  });
}
