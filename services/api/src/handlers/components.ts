import {
  operatorActionTypes,
  type AiSuggestions,
  type SignalSettings,
  type AudienceRule,
  type MemberScope,
  type RoleSlot,
  type SolutionInterestDefined,
  type StageModel,
} from '@bg/contracts';
import { enqueue, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import { conflict, invalid, notFound, type FieldError } from '../domain/problem';
import { findAudience, ruleOf, upsertAudience, type AudienceRecord } from '../db/audiences';
import { deleteRole, findRole, roleNames, templatesUsingRole, upsertRole, type RoleRecord } from '../db/roles';
import {
  deleteSolutionInterest,
  listSolutionInterestsForAudience,
  listSolutionInterestsForStageModel,
  nextRevision,
  upsertSolutionInterest,
  type SolutionInterestRecord,
} from '../db/solution-interests';
import {
  addTemplateVersion,
  findTemplate,
  lockTemplate,
  publishLatestDraft,
  type TemplateRecord,
} from '../db/templates';
import { findStageModel, upsertStageModel, type StageModelRecord } from '../db/stage-models';
import { solutionInterestDefined, solutionInterestDeleted } from './emit';

const body = 'the request body';

export function putRole(pool: Pool, name: string, description: string | null | undefined) {
  return upsertRole(pool, name, description);
}

export async function removeRole(pool: Pool, name: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const role: RoleRecord | null = await findRole(tx, name);
    if (!role) throw notFound(`no role '${name}'`);
    if (role.default) throw conflict(`'${name}' is one of the six default roles, which cannot be deleted`);
    const users = await templatesUsingRole(tx, name);
    if (users.length > 0) {
      throw conflict(
        `role '${name}' is used by role template${users.length > 1 ? 's' : ''} ${users.join(', ')}; change them first`,
      );
    }
    await deleteRole(tx, name);
  });
}

/** Every slot role must be a defined role; reported by slot. */
export async function checkSlotRoles(db: Queryable, slots: readonly RoleSlot[], at: string): Promise<FieldError[]> {
  const known = await roleNames(db);
  return slots.flatMap((slot, i) =>
    known.has(slot.role)
      ? []
      : [
          {
            path: `${at}[${i}].role`,
            message: `unknown role '${slot.role}': define it with PUT /v1/roles/{name} or use one of ${[...known].sort().join(', ')}`,
          },
        ],
  );
}

export async function putTemplate(
  pool: Pool,
  id: string,
  input: { name: string; description?: string | null; slots: RoleSlot[] },
): Promise<{ template: TemplateRecord; created: boolean }> {
  return withTransaction(pool, async (tx) => {
    const errors = await checkSlotRoles(tx, input.slots, 'body.slots');
    if (errors.length > 0) throw invalid(body, errors);
    await lockTemplate(tx, id);
    return addTemplateVersion(tx, id, { name: input.name, description: input.description ?? null, slots: input.slots });
  });
}

/** Publishes the latest draft; when the latest version is already published there is nothing to do. */
export async function publishTemplate(pool: Pool, id: string): Promise<TemplateRecord> {
  return withTransaction(pool, async (tx) => {
    await lockTemplate(tx, id);
    const published = await publishLatestDraft(tx, id);
    if (published) return published;
    const latest = await findTemplate(tx, id);
    if (!latest) throw notFound(`no role template '${id}'`);
    return latest;
  });
}

/** Stores the audience and republishes every solution interest that uses it, resolved with the new rule. */
export async function putAudience(
  pool: Pool,
  id: string,
  input: { name: string; description?: string | null; rule: AudienceRule },
  now: Date,
): Promise<{ audience: AudienceRecord; created: boolean }> {
  return withTransaction(pool, async (tx) => {
    const stored = await upsertAudience(tx, id, {
      name: input.name,
      description: input.description ?? null,
      rule: input.rule,
    });
    const messages = [];
    for (const interest of await listSolutionInterestsForAudience(tx, id)) {
      messages.push(
        solutionInterestDefined(
          await definitionOf(tx, interest, now),
          await nextRevision(tx),
          operatorActionTypes.accountAudienceDefined,
        ),
      );
    }
    await enqueue(tx, messages);
    return stored;
  });
}

/** Stores the stage model and republishes every solution interest that uses it, resolved with the new stages. */
export async function putStageModel(
  pool: Pool,
  id: string,
  input: StageModel,
  now: Date,
): Promise<{ stageModel: StageModelRecord; created: boolean }> {
  return withTransaction(pool, async (tx) => {
    const stored = await upsertStageModel(tx, id, { name: input.name, stages: input.stages });
    const messages = [];
    for (const interest of await listSolutionInterestsForStageModel(tx, id)) {
      messages.push(
        solutionInterestDefined(
          await definitionOf(tx, interest, now),
          await nextRevision(tx),
          operatorActionTypes.stageModelDefined,
        ),
      );
    }
    await enqueue(tx, messages);
    return stored;
  });
}

export type SolutionInterestInput = {
  name: string;
  description?: string | null;
  roleTemplateId: string;
  roleTemplateVersion?: number | null;
  audienceId: string;
  memberScope: MemberScope;
  aiSuggestions?: AiSuggestions | null;
  stageModelId?: string | null;
  signals?: SignalSettings | null;
};

/**
 * Pins a published template version (the latest when none is named), checks the audience, stores the solution
 * interest and publishes its resolved definition: one transaction, so the event matches what is stored.
 */
export async function putSolutionInterest(
  pool: Pool,
  id: string,
  input: SolutionInterestInput,
  now: Date,
): Promise<{ solutionInterest: SolutionInterestRecord; created: boolean }> {
  return withTransaction(pool, async (tx) => {
    const errors: FieldError[] = [];
    const version = await pinnedVersion(tx, input, errors);
    // FOR SHARE: an audience PUT waits for this transaction, then republishes with what it stored.
    const audience = await findAudience(tx, input.audienceId, true);
    if (!audience) {
      errors.push({
        path: 'body.audienceId',
        message: `no account audience '${input.audienceId}': create it with PUT /v1/account-audiences/${input.audienceId}`,
      });
    }
    // FOR SHARE, as the audience: a stage model PUT waits, then republishes with what it stored.
    if (input.stageModelId && !(await findStageModel(tx, input.stageModelId, true))) {
      errors.push({
        path: 'body.stageModelId',
        message: `no stage model '${input.stageModelId}': create it with PUT /v1/stage-models/${input.stageModelId}`,
      });
    }
    if (errors.length > 0 || version === null) throw invalid(body, errors);
    const stored = await upsertSolutionInterest(tx, {
      id,
      name: input.name,
      description: input.description ?? null,
      roleTemplateId: input.roleTemplateId,
      roleTemplateVersion: version,
      audienceId: input.audienceId,
      memberScope: input.memberScope,
      aiSuggestions: input.aiSuggestions ?? null,
      stageModelId: input.stageModelId ?? null,
      signals: input.signals ?? null,
    });
    const definition = await definitionOf(tx, stored.solutionInterest, now);
    await enqueue(tx, [
      solutionInterestDefined(definition, await nextRevision(tx), operatorActionTypes.solutionInterestDefined),
    ]);
    return stored;
  });
}

export async function removeSolutionInterest(pool: Pool, id: string, now: Date): Promise<void> {
  await withTransaction(pool, async (tx) => {
    if (!(await deleteSolutionInterest(tx, id))) throw notFound(`no solution interest '${id}'`);
    const deleted = { solutionInterestId: id, deletedAt: now.toISOString() };
    await enqueue(tx, [solutionInterestDeleted(deleted, await nextRevision(tx))]);
  });
}

async function pinnedVersion(
  tx: Queryable,
  input: SolutionInterestInput,
  errors: FieldError[],
): Promise<number | null> {
  const { roleTemplateId: templateId } = input;
  const latest = await findTemplate(tx, templateId);
  if (!latest) {
    errors.push({
      path: 'body.roleTemplateId',
      message: `no role template '${templateId}': create it with PUT /v1/role-templates/${templateId}`,
    });
    return null;
  }
  if (input.roleTemplateVersion == null) {
    if (latest.latestPublishedVersion !== null) return latest.latestPublishedVersion;
    errors.push({
      path: 'body.roleTemplateId',
      message: `role template '${templateId}' has no published version: publish one with POST /v1/role-templates/${templateId}/publish`,
    });
    return null;
  }
  const pinned = await findTemplate(tx, templateId, input.roleTemplateVersion);
  if (!pinned) {
    errors.push({
      path: 'body.roleTemplateVersion',
      message: `role template '${templateId}' has no version ${input.roleTemplateVersion}; its latest is ${latest.version}`,
    });
    return null;
  }
  if (pinned.status !== 'published') {
    errors.push({
      path: 'body.roleTemplateVersion',
      message: `version ${pinned.version} of role template '${templateId}' is a draft: publish it first (POST /v1/role-templates/${templateId}/publish)`,
    });
    return null;
  }
  return pinned.version;
}

/** The solution interest as role assignment needs it: pinned template slots and the audience rule, resolved. */
async function definitionOf(
  tx: Queryable,
  interest: SolutionInterestRecord,
  now: Date,
): Promise<Omit<SolutionInterestDefined, 'revision' | 'cause'>> {
  const template = await findTemplate(tx, interest.roleTemplateId, interest.roleTemplateVersion);
  const audience = await findAudience(tx, interest.audienceId);
  const stageModel = interest.stageModelId ? await findStageModel(tx, interest.stageModelId) : null;
  if (!template || !audience || (interest.stageModelId && !stageModel))
    throw new Error(`solution interest ${interest.id} refers to a missing template, audience or stage model`);
  return {
    solutionInterestId: interest.id,
    name: interest.name,
    memberScope: interest.memberScope,
    template: { id: template.id, version: template.version, name: template.name, slots: template.slots },
    audience: { id: audience.id, name: audience.name, ...ruleOf(audience) },
    definedAt: now.toISOString(),
    ...(interest.aiSuggestions ? { aiSuggestions: interest.aiSuggestions } : {}),
    ...(stageModel ? { stageModel: { id: stageModel.id, name: stageModel.name, stages: stageModel.stages } } : {}),
    ...(interest.signals ? { signals: interest.signals } : {}),
  };
}
