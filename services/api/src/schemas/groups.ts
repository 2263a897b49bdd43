import { z } from 'zod';
import { buyingGroupChangedSchema, memberSources } from '@bg/contracts';
import { groupSorts } from '../domain/group-filter';
import { optionalParam, recordId } from './common';

export const groupStatusFilter = ['active', 'dissolved', 'all'] as const;

const score = (name: string) =>
  optionalParam(
    z.coerce
      .number({ error: `${name} must be a number from 0 to 100` })
      .min(0, `${name} must be from 0 to 100`)
      .max(100, `${name} must be from 0 to 100`),
  );

export const listGroupsQuery = z
  .object({
    solutionInterestId: optionalParam(recordId),
    accountId: optionalParam(recordId),
    missingRole: optionalParam(z.string().trim().min(1).max(100)).describe(
      'groups where this required role is missing',
    ),
    completenessLt: score('completenessLt'),
    completenessGte: score('completenessGte'),
    engagementGte: score('engagementGte'),
    stage: optionalParam(z.string().trim().min(1).max(100)).describe('groups in the stage of this name'),
    stalled: optionalParam(
      z.enum(['true', 'false'], { error: "stalled must be 'true' or 'false'" }).transform((v) => v === 'true'),
    ).describe('groups that are (true) or are not (false) stalled (CONTRACT.md §7 signals)'),
    status: optionalParam(
      z.enum(groupStatusFilter, { error: "status must be 'active', 'dissolved' or 'all'" }),
    ).describe('default active'),
    limit: optionalParam(
      z.coerce
        .number({ error: 'limit must be a whole number from 1 to 500' })
        .int('limit must be a whole number from 1 to 500')
        .min(1, 'limit must be from 1 to 500')
        .max(500, 'limit must be at most 500'),
    ).describe('page size, default 50, at most 500'),
    sort: optionalParam(z.enum(groupSorts, { error: `sort must be one of ${groupSorts.join(', ')}` })).describe(
      'additive: buyingGroupId (default), completeness or engagement ascending, -completeness or -engagement descending; ties by buyingGroupId',
    ),
    cursor: optionalParam(z.string().max(2048)).describe(
      'nextCursor of the previous page (same filters and sort), unchanged',
    ),
  })
  .strict();

/**
 * The live feed takes the list's filters (not its paging, nor `stage` or `stalled`: history, which it judges by, has
 * neither), or one group.
 */
export const liveGroupsQuery = listGroupsQuery
  .omit({ limit: true, cursor: true, sort: true, stage: true, stalled: true })
  .extend({ buyingGroupId: optionalParam(recordId).describe('only this group (an open group page)') })
  .strict();

export const groupSummarySchema = z
  .object({
    buyingGroupId: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    solutionInterestId: z.string(),
    name: z.string(),
    version: z.number().int(),
    status: z.enum(['active', 'dissolved']),
    completeness: z.number().int(),
    engagement: z.number().int(),
    missingRoles: z.array(z.string()),
    memberCount: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BuyingGroupSummary' });

export const groupListSchema = z.object({ items: z.array(groupSummarySchema), nextCursor: z.string().nullable() });

export const groupParams = z.object({ id: recordId });
export const memberParams = z.object({ id: recordId, personId: recordId });

/** An opportunity of the group's account for the group's solution interest (CONTRACT.md §7), as the CRM last sent it. */
export const linkedOpportunitySchema = z
  .object({
    opportunityId: z.string(),
    stage: z.enum(['open', 'won', 'lost']),
    productName: z.string().nullable(),
    closedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LinkedOpportunity' });

/**
 * The latest version as published, plus (additive, read-only) the opportunities linked to the group: its account's
 * opportunities whose `solutionInterestId` is the group's, most recently updated first. They feed the stage's
 * `openOpportunityCount` and `opportunityStage`; the published version itself does not carry them.
 */
export const groupSnapshotSchema = buyingGroupChangedSchema
  .extend({
    opportunities: z
      .array(linkedOpportunitySchema)
      .describe("the account's opportunities for the group's solution interest, most recently updated first"),
  })
  .meta({ id: 'BuyingGroup' });

export const historyQuery = z
  .object({
    limit: optionalParam(
      z.coerce
        .number({ error: 'limit must be a whole number from 1 to 500' })
        .int('limit must be a whole number from 1 to 500')
        .min(1, 'limit must be from 1 to 500')
        .max(500, 'limit must be at most 500'),
    ),
    cursor: optionalParam(z.string().max(2048)),
  })
  .strict();

/** A version in history: the published event without its people and its per-slot and per-member breakdowns. */
export const historyItemSchema = buyingGroupChangedSchema
  .pick({
    version: true,
    name: true,
    status: true,
    missingRoles: true,
    changes: true,
    cause: true,
    coalesced: true,
    computedAt: true,
  })
  .extend({
    completeness: z.object({ score: z.number().int() }),
    engagement: z.object({ score: z.number().int() }),
  })
  .meta({ id: 'BuyingGroupVersion' });

export const historySchema = z.object({
  buyingGroupId: z.string(),
  items: z
    .array(historyItemSchema)
    .describe(
      "each version of this group, oldest first: what changed, why and the scores it led to (the latest version's members are at /v1/buying-groups/{id})",
    ),
  nextCursor: z.string().nullable(),
});

// Accounts and persons ---------------------------------------------------------------------------------------------

export const recordParams = z.object({ id: recordId });

const accountRef = z.object({ accountId: z.string(), name: z.string() });

export const accountViewSchema = z
  .object({
    account: z
      .object({
        accountId: z.string(),
        name: z.string(),
        parentAccountId: z.string().nullable(),
        deleted: z.boolean(),
        updatedAt: z.string(),
      })
      .catchall(z.unknown()),
    parent: accountRef.nullable(),
    children: z.array(accountRef),
    groups: z.array(groupSummarySchema),
  })
  .meta({ id: 'AccountView' });

export const personViewSchema = z
  .object({
    person: z.object({ personId: z.string(), deleted: z.boolean(), updatedAt: z.string() }).catchall(z.unknown()),
    accounts: z.array(z.object({ accountId: z.string(), name: z.string().nullable(), relationship: z.string() })),
    memberships: z.array(
      z.object({
        buyingGroupId: z.string(),
        accountId: z.string(),
        solutionInterestId: z.string(),
        name: z.string(),
        status: z.enum(['active', 'dissolved']),
        role: z.string(),
        source: z.enum(memberSources),
        since: z.string(),
      }),
    ),
    removedFrom: z
      .array(
        z.object({
          buyingGroupId: z.string(),
          accountId: z.string(),
          solutionInterestId: z.string(),
          name: z.string(),
          role: z.string(),
          source: z.enum(memberSources),
          removedAt: z.string(),
        }),
      )
      .describe('groups the person was explicitly removed from (kept out of by precedence)'),
  })
  .meta({ id: 'PersonView' });

// Members and import -----------------------------------------------------------------------------------------------

export const addMemberBody = z
  .object({ personId: recordId, role: z.string().trim().min(1, 'must not be empty').max(100) })
  .strict();

export const memberCommandAnswerSchema = z
  .object({
    accepted: z.literal(true),
    action: z.enum(['add', 'remove']),
    buyingGroupId: z.string(),
    accountId: z.string(),
    solutionInterestId: z.string(),
    personId: z.string(),
    role: z.string().nullable(),
    source: z.literal('manual'),
    commandId: z.string(),
    requestedAt: z.string(),
    expected: z.string().describe('what the group will look like once role assignment applied the command'),
  })
  .meta({ id: 'MemberCommandAccepted' });

/** CONTRACT.md §7: a stage of the solution interest's stage model, or null to hand the stage back to the rule. */
export const stageBody = z
  .object({ stage: z.string().trim().min(1, 'must not be empty').max(100).nullable() })
  .strict();
export const journeyStatusBody = z
  .object({ status: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters').nullable() })
  .strict();

const groupSetAnswer = z.object({
  accepted: z.literal(true),
  buyingGroupId: z.string(),
  accountId: z.string(),
  solutionInterestId: z.string(),
  source: z.literal('manual'),
  commandId: z.string().describe("the public cause's eventId of the version it leads to"),
  requestedAt: z.string(),
});
export const stageAnswerSchema = groupSetAnswer
  .extend({ stage: z.string().nullable() })
  .meta({ id: 'StageSetAccepted' });
export const journeyStatusAnswerSchema = groupSetAnswer
  .extend({ journeyStatus: z.string().nullable() })
  .meta({ id: 'JourneyStatusSetAccepted' });

export const importAnswerSchema = z
  .object({
    importId: z.string(),
    accepted: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'ImportResult' });
