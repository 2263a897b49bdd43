import { z } from 'zod';
import { causeSchema } from './buying-group';
import { id } from './envelope';

export const conditionOps = [
  'eq',
  'neq',
  'in',
  'notIn',
  'contains',
  'containsAny',
  'hasWord',
  'hasAnyWord',
  'startsWith',
  'startsWithAny',
  'endsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'notExists',
] as const;
export type ConditionOp = (typeof conditionOps)[number];

export const personConditionFields = [
  'jobTitle',
  'department',
  'seniority',
  'country',
  'email',
  'emailDomain',
  'relationship',
  'engagementScore',
] as const;
export const accountConditionFields = [
  'name',
  'domain',
  'industry',
  'annualRevenue',
  'employeeCount',
  'country',
  'productsOwned',
  'parentAccountId',
] as const;

/**
 * A group's own fields that a stage's `when` may test (CONTRACT.md §7). `opportunityStage` (of the account's most
 * recent opportunity for the solution interest) and `daysSinceLastActivity` (of any member) are missing when there is
 * none: every op false but `notExists`, `neq`, `notIn`.
 */
export const groupConditionFields = [
  'completeness',
  'engagement',
  'memberCount',
  'missingRoleCount',
  'openOpportunityCount',
  'opportunityStage',
  'daysSinceLastActivity',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export type ConditionPredicate = { field: string; op: ConditionOp; value?: unknown };
export type ConditionNode = ConditionPredicate | { all: ConditionNode[] } | { any: ConditionNode[] };

export const conditionPredicateSchema = z.object({
  field: z.string().min(1),
  op: z.enum(conditionOps),
  value: z.union([scalar, z.array(scalar)]).optional(),
});

/** Structural shape of the condition language (CONTRACT.md §4); field/value checks per side live in the rule engine. */
export const conditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionNodeSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionNodeSchema).min(1) }).strict(),
    conditionPredicateSchema.strict(),
  ]),
);

export const defaultRoles = [
  'Decision Maker',
  'Influencer',
  'Practitioner',
  'Executive Sponsor',
  'Champion',
  'Other',
] as const;

export const slotWeights = { Trivial: 20, Minor: 40, Normal: 60, Important: 80, Vital: 100 } as const;

export const roleName = z.string().trim().min(1).max(100);

export const roleSlotSchema = z
  .object({
    role: roleName,
    weight: z.union([z.literal(20), z.literal(40), z.literal(60), z.literal(80), z.literal(100)]).default(60),
    required: z.boolean().default(false),
    minMembers: z.number().int().min(1).default(1),
    maxMembers: z.number().int().min(1).nullish(),
    conditions: conditionNodeSchema,
  })
  .refine((s) => s.maxMembers == null || s.maxMembers >= s.minMembers, {
    message: 'maxMembers must be at least minMembers',
    path: ['maxMembers'],
  });
export type RoleSlot = z.infer<typeof roleSlotSchema>;

export const memberScopes = ['account', 'account-and-descendants'] as const;
export type MemberScope = (typeof memberScopes)[number];

/** An account audience: a rule on account fields, or a static list of account ids. */
export const audienceRuleSchema = z.union([
  z.object({ conditions: conditionNodeSchema }),
  z.object({ accountIds: z.array(id) }),
]);
export type AudienceRule = z.infer<typeof audienceRuleSchema>;

/** CONTRACT.md §8: a solution interest that wants the model's member suggestions, and how sure the model must be. */
export const aiSuggestionsSchema = z.object({ minConfidence: z.number().min(0).max(1) });
export type AiSuggestions = z.infer<typeof aiSuggestionsSchema>;

/** A stage model (CONTRACT.md §7): ordered stages, a group being by rule in the last one whose `when` holds. */
export const stageModelSchema = z.object({
  name: z.string().trim().min(1).max(200),
  stages: z
    .array(z.object({ name: z.string().trim().min(1).max(100), when: conditionNodeSchema.optional() }).strict())
    .min(1)
    .max(50)
    .refine((stages) => new Set(stages.map((s) => s.name)).size === stages.length, 'stage names must be unique'),
});
export type StageModel = z.infer<typeof stageModelSchema>;

/**
 * The signals a solution interest asks for (CONTRACT.md §7): a group stalls after that many days without progress, a
 * member disengages after that many days without activity. A signal left out is off.
 */
export const signalSettingsSchema = z
  .object({
    stalledAfterDays: z.number().int().min(1).max(3650).optional(),
    disengagedAfterDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type SignalSettings = z.infer<typeof signalSettingsSchema>;

/**
 * Internal: a solution interest with its pinned template version and its audience resolved, so that a consumer
 * needs nothing else to compute its groups. Published on the compacted components topic, keyed by id.
 */
export const solutionInterestDefinedSchema = z.object({
  solutionInterestId: id,
  name: z.string().min(1),
  memberScope: z.enum(memberScopes),
  template: z.object({ id, version: z.number().int().min(1), name: z.string(), slots: z.array(roleSlotSchema).min(1) }),
  audience: z.object({ id, name: z.string() }).and(audienceRuleSchema),
  definedAt: z.string(),
  /** Suggested members (source `ai`) when present; absent in definitions published before it existed. */
  aiSuggestions: aiSuggestionsSchema.nullish(),
  /** Its stage model resolved (CONTRACT.md §7); absent or null: its groups have no stage. */
  stageModel: stageModelSchema.extend({ id }).nullish(),
  /** Its signals (CONTRACT.md §7); absent or null: none. */
  signals: signalSettingsSchema.nullish(),
  /** Rises with every definition or deletion of any component: a consumer ignores one not newer than what it holds. */
  revision: z.number().int().min(1),
  /**
   * The operator action behind it, the cause of the group versions it leads to; absent in definitions published
   * before it was carried (the topic is compacted: those stay), which count as `operator.solution-interest.defined`.
   */
  cause: causeSchema.optional(),
});
export type SolutionInterestDefined = z.infer<typeof solutionInterestDefinedSchema>;

export const solutionInterestDeletedSchema = z.object({
  solutionInterestId: id,
  deletedAt: z.string(),
  revision: z.number().int().min(1),
  /** As for a definition; absent ones count as `operator.solution-interest.deleted`. */
  cause: causeSchema.optional(),
});
export type SolutionInterestDeleted = z.infer<typeof solutionInterestDeletedSchema>;

/**
 * Internal: the role model the API trained from won opportunities (CONTRACT.md §8), everything role-assignment needs to
 * suggest members. Published on the compacted components topic under one key, so the latest model is kept.
 */
export const aiModelTrainedSchema = z.object({
  version: z.string().min(1),
  trainedAt: z.string(),
  classifier: z.object({ lexicon: z.record(z.string(), z.number()), naiveBayes: z.string() }),
  cause: causeSchema,
});
export type AiModelTrained = z.infer<typeof aiModelTrainedSchema>;
