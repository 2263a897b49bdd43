import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentModel } from '../db/ai-model';
import { notFound } from '../domain/problem';
import { generateRoleTemplate } from '../handlers/ai-model';
import { generateBody, generatedTemplateSchema, modelSchema, retrainAcceptedSchema } from '../schemas/ai';
import { problems } from '../schemas/common';
import { idParams } from '../schemas/components';

const admin = { auth: 'admin' } as const;

/** CONTRACT.md §8: templates generated from won deals, and the role model behind suggested members. */
export const aiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/role-templates/:id/generate', {
    config: admin,
    schema: {
      tags: ['ai'],
      summary: 'Generate a draft version of a role template from won opportunities, with its justification',
      params: idParams,
      body: generateBody,
      response: { 201: generatedTemplateSchema, ...problems(400, 401, 403, 415, 422) },
    },
    handler: async (request, reply) => {
      const { template, justification } = await generateRoleTemplate(
        app.db,
        request.params.id,
        request.body,
        app.now(),
      );
      return reply.code(201).send({ ...template, justification });
    },
  });

  app.get('/v1/ai/model', {
    schema: {
      tags: ['ai'],
      summary: 'The current role model: version, training counts, per-role precision and recall on held-out deals',
      response: { 200: modelSchema, ...problems(401, 404) },
    },
    handler: async () =>
      (await currentModel(app.db)) ??
      (() => {
        throw notFound('no model yet: it is trained once there are enough won opportunities with contact roles');
      })(),
  });

  app.post('/v1/ai/model/retrain', {
    config: admin,
    schema: {
      tags: ['ai'],
      summary: 'Retrain the role model now (it is also retrained, debounced, whenever opportunities change)',
      response: { 202: retrainAcceptedSchema, ...problems(401, 403) },
    },
    handler: async (_request, reply) => {
      app.aiTrainer.retrainNow();
      return reply
        .code(202)
        .send({ status: 'accepted', message: 'the model is being retrained; GET /v1/ai/model shows it' });
    },
  });
};
