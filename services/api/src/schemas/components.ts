import { z } from 'zod';
import {
  aiSuggestionsSchema,
  signalSettingsSchema,
  conditionNodeSchema,
  id as recordIdSchema,
  memberScopes,
  roleName,
  roleSlotSchema,
  stageModelSchema,
} from '@bg/contracts';
import { validateCondition, type ConditionSide } from '@bg/rules';
import { parseConditionPath } from '../domain/issues';
import { componentId, description, displayName, readOnlyFields } from './common';

/** Adds the rule engine's findings on a condition (unknown field, op that does not fit the field, bad value). */
function checkConditions(side: ConditionSide, conditions: unknown, ctx: z.RefinementCtx, at: PropertyKey[]): void {
  for (const issue of validateCondition(conditions, side)) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...at, ...parseConditionPath(issue.path)] });
  }
}

export const idParams = z.object({ id: componentId });
export const roleParams = z.object({ name: roleName });

// Roles ------------------------------------------------------------------------------------------------------------

export const roleBody = z
  .object({
    description,
    name: z.unknown().optional().describe('read-only; the name is in the path'),
    default: z.unknown().optional().describe('read-only'),
    ...readOnlyFields,
  })
  .strict()
  .nullish();

export const roleSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    default: z.boolean().describe('one of the six built-in roles, which cannot be deleted'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Role' });
export const roleListSchema = z.object({ items: z.array(roleSchema) });

// Role templates ---------------------------------------------------------------------------------------------------

export const slotsInput = z.array(roleSlotSchema).min(1, 'a template needs at least one slot').max(100);

export const roleTemplateBody = z
  .object({
    name: displayName,
    description,
    slots: slotsInput,
    ...readOnlyFields,
    version: z.unknown().optional(),
    status: z.unknown().optional(),
    publishedAt: z.unknown().optional(),
    latestPublishedVersion: z.unknown().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    body.slots.forEach((slot, i) => checkConditions('person', slot.conditions, ctx, ['slots', i, 'conditions']));
  });

// Versions are PostgreSQL integers; anything larger cannot exist, and must not reach the database as an error.
const maxVersion = 2_147_483_647;

export const templateStatuses = ['draft', 'published'] as const;

export const roleTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    version: z.number().int(),
    status: z.enum(templateStatuses),
    slots: z.array(roleSlotSchema),
    createdAt: z.string(),
    publishedAt: z.string().nullable(),
    latestPublishedVersion: z
      .number()
      .int()
      .nullable()
      .describe('what a solution interest pins when it names no version'),
  })
  .meta({ id: 'RoleTemplate' });
export const roleTemplateListSchema = z.object({ items: z.array(roleTemplateSchema) });
export const templateVersionParams = z.object({
  id: componentId,
  version: z.coerce
    .number({ error: 'must be a version number (1, 2, …)' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(maxVersion, `must be at most ${maxVersion}`),
});

// Account audiences ------------------------------------------------------------------------------------------------

const accountIds = z.array(recordIdSchema).max(100_000);

/** Checks an audience rule: exactly one of `conditions` (account side) or `accountIds`. */
function checkAudienceRule(
  rule: { conditions?: unknown; accountIds?: unknown },
  ctx: z.RefinementCtx,
  at: PropertyKey[] = [],
): void {
  const hasConditions = rule.conditions !== undefined;
  const hasIds = rule.accountIds !== undefined;
  if (hasConditions === hasIds) {
    ctx.addIssue({
      code: 'custom',
      path: at,
      message: hasConditions
        ? "give either 'conditions' or 'accountIds', not both"
        : "give 'conditions' (a rule on account fields) or 'accountIds' (a static list)",
    });
  }
  if (hasConditions) checkConditions('account', rule.conditions, ctx, [...at, 'conditions']);
}

export const audienceBody = z
  .object({
    name: displayName,
    description,
    conditions: conditionNodeSchema.optional(),
    accountIds: accountIds.optional(),
    ...readOnlyFields,
  })
  .strict()
  .superRefine((body, ctx) => checkAudienceRule(body, ctx));

export const audienceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    conditions: conditionNodeSchema.optional(),
    accountIds: z.array(z.string()).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AccountAudience' });
export const audienceListSchema = z.object({ items: z.array(audienceSchema) });

// Solution interests -----------------------------------------------------------------------------------------------

export const solutionInterestBody = z
  .object({
    name: displayName,
    description,
    roleTemplateId: componentId,
    roleTemplateVersion: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .max(maxVersion, `must be at most ${maxVersion}`)
      .nullish()
      .describe('omitted: the latest published version is pinned'),
    audienceId: componentId,
    memberScope: z.enum(memberScopes).default('account'),
    aiSuggestions: aiSuggestionsSchema
      .strict()
      .nullish()
      .describe('members suggested by the role model (source ai) when its confidence reaches minConfidence'),
    stageModelId: componentId.nullish().describe("the stage model its groups' stages follow; omitted: no stage"),
    signals: signalSettingsSchema
      .nullish()
      .describe(
        'when its groups stall (no member added, stage forward or engagement rise for stalledAfterDays) and their members disengage (no activity for disengagedAfterDays); a signal left out is off',
      ),
    ...readOnlyFields,
  })
  .strict();

export const solutionInterestSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    roleTemplateId: z.string(),
    roleTemplateVersion: z.number().int(),
    audienceId: z.string(),
    memberScope: z.enum(memberScopes),
    aiSuggestions: aiSuggestionsSchema.nullable(),
    stageModelId: z.string().nullable(),
    signals: signalSettingsSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SolutionInterest' });
export const solutionInterestListSchema = z.object({ items: z.array(solutionInterestSchema) });

// Stage models (CONTRACT.md §7) ---------------------------------------------------------------------------------

export const stageModelBody = stageModelSchema
  .extend({ ...readOnlyFields })
  .strict()
  .superRefine((body, ctx) =>
    body.stages.forEach((stage, i) => {
      if (stage.when !== undefined) checkConditions('group', stage.when, ctx, ['stages', i, 'when']);
    }),
  );

export const stageModelResponse = stageModelSchema
  .extend({ id: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'StageModel' });
export const stageModelListSchema = z.object({ items: z.array(stageModelResponse) });

// Preview ----------------------------------------------------------------------------------------------------------

export const previewBody = z
  .object({
    roleTemplate: z
      .object({ name: displayName.optional(), slots: slotsInput })
      .strict()
      .optional()
      .describe('candidate slots, compared with the pinned template version'),
    audience: z
      .object({
        name: displayName.optional(),
        conditions: conditionNodeSchema.optional(),
        accountIds: accountIds.optional(),
      })
      .strict()
      .optional()
      .describe('candidate audience rule, compared with the current audience'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.roleTemplate === undefined && body.audience === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: "give a candidate 'roleTemplate', 'audience', or both" });
    }
    body.roleTemplate?.slots.forEach((slot, i) =>
      checkConditions('person', slot.conditions, ctx, ['roleTemplate', 'slots', i, 'conditions']),
    );
    if (body.audience !== undefined) checkAudienceRule(body.audience, ctx, ['audience']);
  });

const changeSample = z.object({
  buyingGroupId: z.string(),
  accountId: z.string(),
  accountName: z.string().nullable(),
  personId: z.string().optional(),
  role: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  members: z.number().int().optional(),
});

export const previewSchema = z
  .object({
    solutionInterestId: z.string(),
    candidate: z.object({ roleTemplate: z.boolean(), audience: z.boolean() }),
    accountsEvaluated: z.number().int(),
    complete: z.boolean().describe('false when the evaluation stopped at the configured account limit'),
    groups: z.object({
      created: z.number().int(),
      dissolved: z.number().int(),
      changed: z.number().int(),
      unchanged: z.number().int(),
    }),
    members: z.object({ added: z.number().int(), removed: z.number().int(), roleChanged: z.number().int() }),
    samples: z.object({
      groupsCreated: z.array(changeSample),
      groupsDissolved: z.array(changeSample),
      membersAdded: z.array(changeSample),
      membersRemoved: z.array(changeSample),
      membersRoleChanged: z.array(changeSample),
    }),
  })
  .meta({ id: 'Preview' });
