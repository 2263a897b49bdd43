import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopes } from '../domain/auth';
import { problems } from '../schemas/common';

const sessionSchema = z
  .object({ scope: z.enum(scopes).describe('read: browse everything; admin: also define components and edit groups') })
  .meta({ id: 'Session' });

/** `GET /v1/session` (additive): what the presented token may do, so a client (the console) can offer only that. */
export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/v1/session', {
    schema: {
      tags: ['ops'],
      summary: "The presented token's scope",
      response: { 200: sessionSchema, ...problems(401) },
    },
    handler: async (request) => ({ scope: app.requireToken(request, 'read') ?? 'read' }),
  });
};
