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
  z.object({ kind: z.literal('member.removed'), personId: id, role: z.string(), source: z.enum(memberSources) }),
  z.object({ kind: z.literal('member.role-changed'), personId: id, from: z.string(), to: z.string() }),
  z.object({ kind: z.literal('role.missing'), role: z.string() }),
  z.object({ kind: z.literal('role.filled'), role: z.string() }),
  z.object({ kind: z.literal('completeness.changed'), from: z.number().int(), to: z.number().int() }),
  z.object({ kind: z.literal('engagement.changed'), from: z.number().int(), to: z.number().int() }),
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
  changes: z.array(groupChangeSchema),
  cause: causeSchema,
  coalesced: z.array(z.string()).optional(),
  computedAt: timestamp,
});
export type BuyingGroupChanged = z.infer<typeof buyingGroupChangedSchema>;

export const buyingGroupChangedType = 'buying-group.changed';
