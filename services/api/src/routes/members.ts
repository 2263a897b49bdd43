import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestGroupSet } from '../handlers/group-commands';
import { requestMemberEdit } from '../handlers/member-commands';
import { problems } from '../schemas/common';
import {
  addMemberBody,
  groupParams,
  journeyStatusAnswerSchema,
  journeyStatusBody,
  memberCommandAnswerSchema,
  memberParams,
  stageAnswerSchema,
  stageBody,
} from '../schemas/groups';

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

  // Stage and journey status (CONTRACT.md §7): explicit sets with source manual, applied like member edits.
  app.put('/v1/buying-groups/:id/stage', {
    config: admin,
    schema: {
      tags: ['members'],
      summary:
        'Put a group in a stage of its stage model (manual beats journey and rule), or null to hand it back to the rule',
      params: groupParams,
      body: stageBody,
      response: { 202: stageAnswerSchema, ...problems(400, 401, 403, 404, 409, 415) },
    },
    handler: async (request, reply) => {
      const answer = await requestGroupSet(
        app.db,
        { buyingGroupId: request.params.id, stage: request.body.stage },
        app.now(),
      );
      return reply.code(202).send(answer as typeof answer & { stage: string | null });
    },
  });

  app.put('/v1/buying-groups/:id/journey-status', {
    config: admin,
    schema: {
      tags: ['members'],
      summary: "Set a group's journey status (at most 50 characters), or null to clear it",
      params: groupParams,
      body: journeyStatusBody,
      response: { 202: journeyStatusAnswerSchema, ...problems(400, 401, 403, 404, 409, 415) },
    },
    handler: async (request, reply) => {
      const answer = await requestGroupSet(
        app.db,
        { buyingGroupId: request.params.id, journeyStatus: request.body.status },
        app.now(),
      );
      return reply.code(202).send(answer as typeof answer & { journeyStatus: string | null });
    },
  });
};
