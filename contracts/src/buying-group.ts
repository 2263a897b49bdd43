import { z } from 'zod';
import { id, timestamp } from './envelope';

export const memberSources = ['manual', 'import', 'journey', 'ai', 'rule'] as const;
export type MemberSource = (typeof memberSources)[number];

/** One matched (or failed) predicate, with the value the person actually had: the member's explanation. */
export const matchTraceSchema = z.object({
  field: z.string(),
  op: z.string(),
  // `exists` / `notExists` take no value, and a missing field has no actual value.
  value: z.unknown().optional(),
  actual: z.unknown().optional(),
});
export type MatchTrace = z.infer<typeof matchTraceSchema>;

export const memberReasonSchema = z.object({
  slot: z.number().int().nullable(),
  matched: z.array(matchTraceSchema),
  /** Higher-priority slots the person did not match (or that were full), by index. */
  skipped: z.array(z.object({ slot: z.number().int(), why: z.enum(['no-match', 'full']) })).optional(),
  note: z.string().optional(),
  /** Source `ai` (CONTRACT.md §8): the model version, its confidence and the features that drove the suggestion. */
  model: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
  because: z.array(z.object({ field: z.string(), value: z.string(), weight: z.number() })).optional(),
});
export type MemberReason = z.infer<typeof memberReasonSchema>;

export const groupMemberSchema = z.object({
  personId: id,
  role: z.string(),
  source: z.enum(memberSources),
  since: timestamp,
  reason: memberReasonSchema,
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

export const removedMemberSchema = z.object({
  personId: id,
  role: z.string(),
  source: z.enum(memberSources),
  removedAt: timestamp,
});
export type RemovedMember = z.infer<typeof removedMemberSchema>;

/** Who put a group in its stage: the stage model's rule, or an explicit set (CONTRACT.md §7). */
export const stageSources = ['rule', 'journey', 'manual'] as const;

/** A group's stage (CONTRACT.md §7): the model, the stage's name and place in it, who set it, since when. */
export const groupStageSchema = z.object({
  model: id,
  name: z.string(),
  index: z.number().int().min(0),
  source: z.enum(stageSources),
  since: timestamp,
});
export type GroupStageView = z.infer<typeof groupStageSchema>;

/** The member a signal is about: who, in which role, and their last activity (null: none recorded). */
const memberSignalShape = { personId: id, role: z.string(), lastActivityAt: timestamp.nullable() };

/**
 * A group's signals (CONTRACT.md §7) as its version shows them: whether it is stalled and which members are
 * disengaged (person ids); null when its solution interest has no `signals`.
 */
export const groupSignalsSchema = z.object({ stalled: z.boolean(), disengaged: z.array(id) });
export type GroupSignals = z.infer<typeof groupSignalsSchema>;

export const slotScoreSchema = z.object({
  role: z.string(),
  required: z.boolean(),
  assigned: z.number().int(),
  minMembers: z.number().int(),
  score: z.number().int(),
});
export type SlotScore = z.infer<typeof slotScoreSchema>;

export const groupChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group.created') }),
  z.object({ kind: z.literal('group.dissolved') }),
  z.object({ kind: z.literal('member.added'), personId: id, role: z.string(), source: z.enum(memberSources) }),
  z.object({
    kind: z.literal('member.removed'),
    personId: id,
    role: z.string(),
    source: z.enum(memberSources),
    /** The person left the account (link removed or person deleted): the accounts they are linked to now (§7). */
    departure: z.object({ toAccountIds: z.array(id) }).optional(),
  }),
  z.object({ kind: z.literal('member.role-changed'), personId: id, from: z.string(), to: z.string() }),
  z.object({ kind: z.literal('role.missing'), role: z.string() }),
  z.object({ kind: z.literal('role.filled'), role: z.string() }),
  z.object({ kind: z.literal('completeness.changed'), from: z.number().int(), to: z.number().int() }),
  z.object({ kind: z.literal('engagement.changed'), from: z.number().int(), to: z.number().int() }),
  z.object({
    kind: z.literal('stage.changed'),
    from: z.string().nullable(),
    to: z.string().nullable(),
    source: z.enum(stageSources),
  }),
  z.object({ kind: z.literal('journey-status.changed'), from: z.string().nullable(), to: z.string().nullable() }),
  /** CONTRACT.md §7 signals: no progress for the solution interest's `stalledAfterDays`, and the next progress. */
  z.object({ kind: z.literal('group.stalled') }),
  z.object({ kind: z.literal('group.unstalled') }),
  /** No activity of a member for `disengagedAfterDays` while holding the role, and their next activity. */
  z.object({ kind: z.literal('member.disengaged'), ...memberSignalShape }),
  z.object({ kind: z.literal('member.reengaged'), ...memberSignalShape }),
]);
export type GroupChange = z.infer<typeof groupChangeSchema>;

/**
 * The input that produced a version (CONTRACT.md §3). An event is identified by its CloudEvents `source` and `id`
 * together (two CRMs may use the same ids), so the cause carries both; `source` is absent only in versions published
 * before it was carried. A version an operator caused names the operator's action (`operatorActionTypes`), never the
 * internal event that carried it.
 */
export const causeSchema = z.object({ eventId: z.string(), eventType: z.string(), source: z.string().optional() });
export type Cause = z.infer<typeof causeSchema>;

/** What identifies an input event: its source and id (CloudEvents), as one comparable key. */
export function eventIdentity(cause: Pick<Cause, 'eventId' | 'source'>): string {
  return `${cause.source ?? ''}\u0000${cause.eventId}`;
}

/**
 * The public `cause.eventType` of a version an operator caused through the HTTP API: the action's own stable name
 * (listed in README.md, "Causes"), so that no internal event type reaches the public topic.
 */
export const operatorActionTypes = {
  /** `PUT /v1/solution-interests/{id}`: created or changed, a new template version pinned included. */
  solutionInterestDefined: 'operator.solution-interest.defined',
  /** `DELETE /v1/solution-interests/{id}`. */
  solutionInterestDeleted: 'operator.solution-interest.deleted',
  /** `PUT /v1/account-audiences/{id}`: every solution interest using the audience is redefined with it. */
  accountAudienceDefined: 'operator.account-audience.defined',
  /** `PUT /v1/stage-models/{id}`: every solution interest using the model is redefined with it. */
  stageModelDefined: 'operator.stage-model.defined',
  /** `PUT /v1/buying-groups/{id}/stage` (CONTRACT.md §7, source `manual`). */
  stageSet: 'operator.stage.set',
  /** `PUT /v1/buying-groups/{id}/journey-status` (CONTRACT.md §7). */
  journeyStatusSet: 'operator.journey-status.set',
  /** `POST /v1/buying-groups/{id}/members`. */
  memberAdded: 'operator.member.added',
  /** `DELETE /v1/buying-groups/{id}/members/{personId}`. */
  memberRemoved: 'operator.member.removed',
  /** `POST /v1/imports/buying-groups`, one per accepted row. */
  memberImported: 'operator.member.imported',
} as const;

/**
 * The public `cause.eventType` of versions that a newly trained role model changed (suggested members, CONTRACT.md §8);
 * `cause.eventId` is the model version.
 */
export const aiModelTrainedCause = 'ai.model.trained';

/** `buying-group.changed` data on `buying-groups.changes.v1` (CONTRACT.md §3). */
export const buyingGroupChangedSchema = z.object({
  buyingGroupId: id,
  accountId: id,
  solutionInterestId: id,
  name: z.string(),
  version: z.number().int().min(1),
  status: z.enum(['active', 'dissolved']),
  members: z.array(groupMemberSchema),
  removedMembers: z.array(removedMemberSchema),
  completeness: z.object({ score: z.number().int().min(0).max(100), slots: z.array(slotScoreSchema) }),
  engagement: z.object({
    score: z.number().int().min(0).max(100),
    members: z.array(z.object({ personId: id, score: z.number().int(), weight: z.number() })).optional(),
  }),
  missingRoles: z.array(z.string()),
  /** CONTRACT.md §7; absent only in versions published before stages existed (read as null). */
  stage: groupStageSchema.nullable().optional(),
  journeyStatus: z.string().max(50).nullable().optional(),
  /** CONTRACT.md §7 signals (additive); absent in versions published before them (read as null). */
  signals: groupSignalsSchema.nullable().optional(),
  changes: z.array(groupChangeSchema),
  cause: causeSchema,
  coalesced: z.array(z.string()).optional(),
  computedAt: timestamp,
});
export type BuyingGroupChanged = z.infer<typeof buyingGroupChangedSchema>;

export const buyingGroupChangedType = 'buying-group.changed';
