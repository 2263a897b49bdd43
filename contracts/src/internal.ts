import { z } from 'zod';
import { accountUpsertedSchema, activityRecordedSchema, opportunityUpsertedSchema, personUpsertedSchema } from './crm';
import { causeSchema, groupMemberSchema, memberSources, removedMemberSchema } from './buying-group';
import { roleSlotSchema } from './components';
import { id, timestamp } from './envelope';

/**
 * Internal events (this project's own, on `bg.internal.*` topics). All travel in the same CloudEvents envelope as the
 * public ones and carry the `cause` of the CRM or operator event that produced them.
 */

/** One per (person, affected account): the person as now linked to that account, or `null` when it left/was deleted. */
export const personChangedSchema = z.object({
  accountId: id,
  personId: id,
  change: z.enum(['joined', 'updated', 'left', 'deleted']),
  relationship: z.string().nullable(),
  person: personUpsertedSchema.nullable(),
  cause: causeSchema,
});
export type PersonChanged = z.infer<typeof personChangedSchema>;

/** An account created, changed (including a hierarchy move) or deleted (`account` null). */
export const accountChangedSchema = z.object({
  accountId: id,
  account: accountUpsertedSchema.nullable(),
  previousParentAccountId: z.string().nullable(),
  cause: causeSchema,
});
export type AccountChanged = z.infer<typeof accountChangedSchema>;

export const activityAcceptedSchema = z.object({ activity: activityRecordedSchema, cause: causeSchema });
export type ActivityAccepted = z.infer<typeof activityAcceptedSchema>;

export const opportunityChangedSchema = z.object({ opportunity: opportunityUpsertedSchema, cause: causeSchema });
export type OpportunityChanged = z.infer<typeof opportunityChangedSchema>;

/** An operator/import edit of one member; role-assignment is the only writer of membership. */
export const memberCommandSchema = z.object({
  accountId: id,
  solutionInterestId: id,
  personId: id,
  action: z.enum(['add', 'remove']),
  role: z.string().nullable(),
  source: z.enum(memberSources),
  requestedAt: timestamp,
  cause: causeSchema,
});
export type MemberCommand = z.infer<typeof memberCommandSchema>;

export const slotDefinitionSchema = roleSlotSchema;

/** A group's membership after role-assignment recomputed it; scoring turns it into the public event. */
export const groupRecomputedSchema = z.object({
  buyingGroupId: id,
  accountId: id,
  solutionInterestId: id,
  name: z.string(),
  status: z.enum(['active', 'dissolved']),
  slots: z.array(slotDefinitionSchema),
  members: z.array(groupMemberSchema),
  removedMembers: z.array(removedMemberSchema),
  membershipVersion: z.number().int().min(1),
  cause: causeSchema,
  coalesced: z.array(z.string()).optional(),
});
export type GroupRecomputed = z.infer<typeof groupRecomputedSchema>;

/** A required slot went under (missing) or back to (filled) its minMembers. */
export const roleGapSchema = z.object({
  buyingGroupId: id,
  accountId: id,
  solutionInterestId: id,
  role: z.string(),
  slot: z.number().int(),
  slotDefinition: slotDefinitionSchema,
  assigned: z.number().int(),
  occurredAt: timestamp,
  cause: causeSchema,
});
export type RoleGap = z.infer<typeof roleGapSchema>;

export const internalEventTypes = {
  personChanged: 'bg.person.changed',
  accountChanged: 'bg.account.changed',
  activityAccepted: 'bg.activity.accepted',
  opportunityChanged: 'bg.opportunity.changed',
  memberCommand: 'bg.member.command',
  solutionInterestDefined: 'bg.solution-interest.defined',
  solutionInterestDeleted: 'bg.solution-interest.deleted',
  groupRecomputed: 'bg.group.recomputed',
  roleMissing: 'bg.role.missing',
  roleFilled: 'bg.role.filled',
} as const;
