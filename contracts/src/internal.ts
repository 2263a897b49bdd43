import { z } from 'zod';
import { accountUpsertedSchema, activityRecordedSchema, opportunityUpsertedSchema, personUpsertedSchema } from './crm';
import { causeSchema, groupMemberSchema, memberSources, removedMemberSchema } from './buying-group';
import { memberScopes, roleSlotSchema, signalSettingsSchema, stageModelSchema } from './components';
import { id, timestamp } from './envelope';

/**
 * Internal events (this project's own, on `bg.internal.*` topics). All travel in the same CloudEvents envelope as the
 * public ones and carry the `cause` of the CRM or operator event that produced them.
 */

/**
 * One per (person, affected account): the person as now linked to that account, or `null` when it left/was deleted.
 * `changedAt` is the source's modification (or deletion) time: a consumer ignores a change not newer than the one it
 * holds, so a redelivered or re-sent event has no further effect.
 */
export const personChangedSchema = z.object({
  accountId: id,
  personId: id,
  change: z.enum(['joined', 'updated', 'left', 'deleted']),
  relationship: z.string().nullable(),
  person: personUpsertedSchema.nullable(),
  changedAt: timestamp,
  cause: causeSchema,
});
export type PersonChanged = z.infer<typeof personChangedSchema>;

/** An account created, changed (including a hierarchy move) or deleted (`account` null), as of `changedAt`. */
export const accountChangedSchema = z.object({
  accountId: id,
  account: accountUpsertedSchema.nullable(),
  previousParentAccountId: z.string().nullable(),
  changedAt: timestamp,
  cause: causeSchema,
});
export type AccountChanged = z.infer<typeof accountChangedSchema>;

/**
 * An activity counted for the first time. An activity is identified by the CRM that recorded it (`cause.source`) and
 * its `activityId`: a redelivery counts once, and two CRMs that use the same ids count separately.
 */
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

/**
 * What changed in a group's membership, from role-assignment (the only writer of membership) to scoring: the members
 * added or changed (role, source, since, reason) and the ids of those gone, likewise for explicitly removed members.
 * `membershipVersion` rises by one per change of the group, so a consumer applies version n+1 on top of n and drops
 * anything not newer. `slots` comes with the first version and whenever the template changes (not with every event).
 */
export const groupMembershipChangedSchema = z.object({
  buyingGroupId: id,
  accountId: id,
  solutionInterestId: id,
  name: z.string(),
  status: z.enum(['active', 'dissolved']),
  membershipVersion: z.number().int().min(1),
  /**
   * Whose activities the group's engagement counts: the account's, or also its descendants' (roll-up). Sent with
   * every change; a change without it (sent before it existed) means `account`.
   */
  memberScope: z.enum(memberScopes).optional(),
  slots: z.array(slotDefinitionSchema).optional(),
  /** The group's stage model (CONTRACT.md §7), null for none; like `slots`, carried first and whenever it changes. */
  stageModel: stageModelSchema.extend({ id }).nullable().optional(),
  /** The solution interest's signals (CONTRACT.md §7), null for none; likewise carried only when they change. */
  signals: signalSettingsSchema.nullable().optional(),
  members: z.object({ upserted: z.array(groupMemberSchema), removed: z.array(id) }),
  removedMembers: z.object({ upserted: z.array(removedMemberSchema), cleared: z.array(id) }),
  /** Members removed because they left the account, with the accounts they are linked to now (CONTRACT.md §7). */
  departures: z.array(z.object({ personId: id, toAccountIds: z.array(id) })).optional(),
  cause: causeSchema,
  /** The other inputs folded into this change, each once (by source and id); public versions list their ids. */
  coalesced: z.array(causeSchema).optional(),
});
export type GroupMembershipChanged = z.infer<typeof groupMembershipChangedSchema>;

/** A required slot went under (missing) or back to (filled) its minMembers. */
export const roleGapSchema = z.object({
  buyingGroupId: id,
  /** The group version that made the transition: a consumer ignores one older than what it applied. */
  version: z.number().int().min(1),
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

/**
 * A group stopped being active (its account left the audience or was deleted, or its solution interest was deleted):
 * it asks for nobody any more. A later version that revives it reports its missing roles again, as for a new group.
 */
export const groupDissolvedSchema = z.object({
  buyingGroupId: id,
  /** The version that dissolved the group: a consumer ignores role transitions older than it. */
  version: z.number().int().min(1),
  accountId: id,
  solutionInterestId: id,
  occurredAt: timestamp,
  cause: causeSchema,
});
export type GroupDissolved = z.infer<typeof groupDissolvedSchema>;

/**
 * A person's engagement score at one account (the score an `engagementScore` condition reads: the activities recorded
 * for that account, under scoring's engagement settings) moved to another integer, by a new activity or by the clock
 * (window, decay). From scoring, the one place that computes engagement, keyed by accountId. `version` rises by one per
 * change of that (account, person): a consumer keeps the highest, so a redelivered or re-sent event has no further
 * effect. `scoredAt` is the clock the score was computed at.
 */
export const personEngagementChangedSchema = z.object({
  accountId: id,
  personId: id,
  score: z.number().int().min(0).max(100),
  version: z.number().int().min(1),
  scoredAt: timestamp,
  cause: causeSchema,
});
export type PersonEngagementChanged = z.infer<typeof personEngagementChangedSchema>;

/**
 * An explicit stage and/or journey status of a group (CONTRACT.md §7), from role-assignment (which checked what it names)
 * to scoring, which holds them with the group and publishes them. A field left out is left as it is; `stage: null`
 * hands the stage back to the stage model's rule. Applied only when `requestedAt` is newer than the last applied set of
 * that field, so a redelivery has no further effect.
 */
export const groupExplicitSetSchema = z.object({
  buyingGroupId: id,
  accountId: id,
  solutionInterestId: id,
  stage: z.string().nullable().optional(),
  journeyStatus: z.string().max(50).nullable().optional(),
  source: z.enum(['manual', 'journey']),
  requestedAt: timestamp,
  cause: causeSchema,
});
export type GroupExplicitSet = z.infer<typeof groupExplicitSetSchema>;

/** An operator's explicit stage/status of a group (HTTP, source `manual`), on the member-commands topic. */
export const groupCommandSchema = z.object({
  accountId: id,
  solutionInterestId: id,
  stage: z.string().nullable().optional(),
  journeyStatus: z.string().max(50).nullable().optional(),
  requestedAt: timestamp,
  cause: causeSchema,
});
export type GroupCommand = z.infer<typeof groupCommandSchema>;

export const internalEventTypes = {
  personChanged: 'bg.person.changed',
  accountChanged: 'bg.account.changed',
  activityAccepted: 'bg.activity.accepted',
  opportunityChanged: 'bg.opportunity.changed',
  memberCommand: 'bg.member.command',
  solutionInterestDefined: 'bg.solution-interest.defined',
  solutionInterestDeleted: 'bg.solution-interest.deleted',
  groupMembershipChanged: 'bg.group.membership-changed',
  roleMissing: 'bg.role.missing',
  roleFilled: 'bg.role.filled',
  groupDissolved: 'bg.group.dissolved',
  personEngagementChanged: 'bg.person.engagement-changed',
  aiModelTrained: 'bg.ai.model.trained',
  groupCommand: 'bg.group.command',
  groupExplicitSet: 'bg.group.explicit-set',
} as const;
