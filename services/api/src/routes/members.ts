import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestMemberEdit } from '../handlers/member-commands';
import { problems } from '../schemas/common';
import { addMemberBody, groupParams, memberCommandAnswerSchema, memberParams } from '../schemas/groups';

const admin = { auth: 'admin' } as const;

/**
 * Manual member edits (admin). The API does not change membership itself: it publishes a member command and answers
 * 202 with what will happen; role assignment applies it with manual precedence.
 */
export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/buying-groups/:id/members', {
    config: admin,
    schema: {
      tags: ['members'],
      summary: 'Add a person to a group in a role, or move them to another role (manual precedence)',
      params: groupParams,
      body: addMemberBody,
      response: { 202: memberCommandAnswerSchema, ...problems(400, 401, 403, 404, 409, 415) },
    },
    handler: async (request, reply) => {
      const { personId, role } = request.body;
      const answer = await requestMemberEdit(
        app.db,
        { buyingGroupId: request.params.id, action: 'add', personId, role },
        app.now(),
      );
      return reply.code(202).send(answer);
    },
  });

  app.delete('/v1/buying-groups/:id/members/:personId', {
    config: admin,
    schema: {
      tags: ['members'],
      summary: 'Remove a person from a group and keep the rules from adding them back (manual precedence)',
      params: memberParams,
      response: { 202: memberCommandAnswerSchema, ...problems(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) => {
      const { id, personId } = request.params;
      const answer = await requestMemberEdit(app.db, { buyingGroupId: id, action: 'remove', personId }, app.now());
      return reply.code(202).send(answer);
    },
  });
};
