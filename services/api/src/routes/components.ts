import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../domain/problem';
import { findAudience, listAudiences, ruleOf } from '../db/audiences';
import { listRoles } from '../db/roles';
import { findSolutionInterest, listSolutionInterests } from '../db/solution-interests';
import { findStageModel, listStageModels } from '../db/stage-models';
import { findTemplate, listTemplates } from '../db/templates';
import {
  publishTemplate,
  putAudience,
  putRole,
  putSolutionInterest,
  putStageModel,
  putTemplate,
  removeRole,
  removeSolutionInterest,
} from '../handlers/components';
import { previewSolutionInterest } from '../handlers/preview';
import { problems } from '../schemas/common';
import {
  audienceBody,
  audienceListSchema,
  audienceSchema,
  idParams,
  previewBody,
  previewSchema,
  roleBody,
  roleListSchema,
  roleParams,
  roleSchema,
  roleTemplateBody,
  roleTemplateListSchema,
  roleTemplateSchema,
  solutionInterestBody,
  solutionInterestListSchema,
  solutionInterestSchema,
  stageModelBody,
  stageModelListSchema,
  stageModelResponse,
  templateVersionParams,
} from '../schemas/components';

const admin = { auth: 'admin' } as const;
const written = (created: boolean) => (created ? 201 : 200);

/** Roles, role templates, account audiences and solution interests (CONTRACT.md §4): admin writes, read GETs. */
export const componentRoutes: FastifyPluginAsyncZod = async (app) => {
  // Roles ----------------------------------------------------------------------------------------------------------
  app.get('/v1/roles', {
    schema: {
      tags: ['components'],
      summary: 'Every role: the six defaults and the custom ones',
      response: { 200: roleListSchema, ...problems(401) },
    },
    handler: async () => ({ items: await listRoles(app.db) }),
  });

  app.put('/v1/roles/:name', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Create a custom role (or update a role description)',
      params: roleParams,
      body: roleBody,
      response: { 200: roleSchema, 201: roleSchema, ...problems(400, 401, 403, 415) },
    },
    handler: async (request, reply) => {
      const { role, created } = await putRole(app.db, request.params.name, request.body?.description);
      return reply.code(written(created)).send(role);
    },
  });

  app.delete('/v1/roles/:name', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Delete a custom role that no template uses (the six defaults cannot be deleted)',
      params: roleParams,
      response: { 204: z.undefined(), ...problems(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) => {
      await removeRole(app.db, request.params.name);
      return reply.code(204).send();
    },
  });

  // Role templates -------------------------------------------------------------------------------------------------
  app.get('/v1/role-templates', {
    schema: {
      tags: ['components'],
      summary: 'Every role template, at its latest version',
      response: { 200: roleTemplateListSchema, ...problems(401) },
    },
    handler: async () => ({ items: await listTemplates(app.db) }),
  });

  app.get('/v1/role-templates/:id', {
    schema: {
      tags: ['components'],
      summary: 'The latest version of a role template',
      params: idParams,
      response: { 200: roleTemplateSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) =>
      (await findTemplate(app.db, request.params.id)) ?? missing('role template', request.params.id),
  });

  app.get('/v1/role-templates/:id/versions/:version', {
    schema: {
      tags: ['components'],
      summary: 'One version of a role template',
      params: templateVersionParams,
      response: { 200: roleTemplateSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id, version } = request.params;
      return (await findTemplate(app.db, id, version)) ?? missing('role template version', `${id}@${version}`);
    },
  });

  app.put('/v1/role-templates/:id', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Add a draft version of a role template (creating the template on the first PUT)',
      params: idParams,
      body: roleTemplateBody,
      response: { 200: roleTemplateSchema, 201: roleTemplateSchema, ...problems(400, 401, 403, 415) },
    },
    handler: async (request, reply) => {
      const { template, created } = await putTemplate(app.db, request.params.id, request.body);
      return reply.code(written(created)).send(template);
    },
  });

  app.post('/v1/role-templates/:id/publish', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Publish the latest draft version (no change when the latest version is already published)',
      params: idParams,
      response: { 200: roleTemplateSchema, ...problems(400, 401, 403, 404) },
    },
    handler: async (request) => publishTemplate(app.db, request.params.id),
  });

  // Account audiences ----------------------------------------------------------------------------------------------
  app.get('/v1/account-audiences', {
    schema: {
      tags: ['components'],
      summary: 'Every account audience',
      response: { 200: audienceListSchema, ...problems(401) },
    },
    handler: async () => ({ items: await listAudiences(app.db) }),
  });

  app.get('/v1/account-audiences/:id', {
    schema: {
      tags: ['components'],
      summary: 'An account audience',
      params: idParams,
      response: { 200: audienceSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) =>
      (await findAudience(app.db, request.params.id)) ?? missing('account audience', request.params.id),
  });

  app.put('/v1/account-audiences/:id', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Create or replace an account audience; every solution interest using it is republished',
      params: idParams,
      body: audienceBody,
      response: { 200: audienceSchema, 201: audienceSchema, ...problems(400, 401, 403, 415) },
    },
    handler: async (request, reply) => {
      const { name, description } = request.body;
      const { audience, created } = await putAudience(
        app.db,
        request.params.id,
        { name, description, rule: ruleOf(request.body) },
        app.now(),
      );
      return reply.code(written(created)).send(audience);
    },
  });

  // Stage models (CONTRACT.md §7) --------------------------------------------------------------------------------
  app.get('/v1/stage-models', {
    schema: {
      tags: ['components'],
      summary: 'Every stage model',
      response: { 200: stageModelListSchema, ...problems(401) },
    },
    handler: async () => ({ items: await listStageModels(app.db) }),
  });

  app.get('/v1/stage-models/:id', {
    schema: {
      tags: ['components'],
      summary: 'A stage model',
      params: idParams,
      response: { 200: stageModelResponse, ...problems(400, 401, 404) },
    },
    handler: async (request) =>
      (await findStageModel(app.db, request.params.id)) ?? missing('stage model', request.params.id),
  });

  app.put('/v1/stage-models/:id', {
    config: admin,
    schema: {
      tags: ['components'],
      summary:
        "Create or replace a stage model: ordered stages, a group being by rule in the last one whose 'when' holds " +
        '(conditions over completeness, engagement, memberCount, missingRoleCount); every solution interest using it is republished',
      params: idParams,
      body: stageModelBody,
      response: { 200: stageModelResponse, 201: stageModelResponse, ...problems(400, 401, 403, 415) },
    },
    handler: async (request, reply) => {
      const { stageModel, created } = await putStageModel(app.db, request.params.id, request.body, app.now());
      return reply.code(written(created)).send(stageModel);
    },
  });

  // Solution interests ---------------------------------------------------------------------------------------------
  app.get('/v1/solution-interests', {
    schema: {
      tags: ['components'],
      summary: 'Every solution interest',
      response: { 200: solutionInterestListSchema, ...problems(401) },
    },
    handler: async () => ({ items: await listSolutionInterests(app.db) }),
  });

  app.get('/v1/solution-interests/:id', {
    schema: {
      tags: ['components'],
      summary: 'A solution interest',
      params: idParams,
      response: { 200: solutionInterestSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) =>
      (await findSolutionInterest(app.db, request.params.id)) ?? missing('solution interest', request.params.id),
  });

  app.put('/v1/solution-interests/:id', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Create or replace a solution interest, pinning a published role template version',
      params: idParams,
      body: solutionInterestBody,
      response: { 200: solutionInterestSchema, 201: solutionInterestSchema, ...problems(400, 401, 403, 415) },
    },
    handler: async (request, reply) => {
      const { solutionInterest, created } = await putSolutionInterest(
        app.db,
        request.params.id,
        request.body,
        app.now(),
      );
      return reply.code(written(created)).send(solutionInterest);
    },
  });

  app.delete('/v1/solution-interests/:id', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Delete a solution interest: its groups are dissolved',
      params: idParams,
      response: { 204: z.undefined(), ...problems(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      await removeSolutionInterest(app.db, request.params.id, app.now());
      return reply.code(204).send();
    },
  });

  app.post('/v1/solution-interests/:id/preview', {
    config: admin,
    schema: {
      tags: ['components'],
      summary: 'Dry run: what a candidate template and/or audience would change (counts and samples); changes nothing',
      params: idParams,
      body: previewBody,
      response: { 200: previewSchema, ...problems(400, 401, 403, 404, 415) },
    },
    handler: async (request) => {
      const { roleTemplate, audience } = request.body;
      const candidate = { slots: roleTemplate?.slots ?? null, audience: audience ? ruleOf(audience) : null };
      return previewSolutionInterest(app.db, request.params.id, candidate, {
        maxAccounts: app.config.PREVIEW_MAX_ACCOUNTS,
        now: app.now(),
      });
    },
  });
};

function missing(what: string, id: string): never {
  throw notFound(`no ${what} '${id}'`);
}
