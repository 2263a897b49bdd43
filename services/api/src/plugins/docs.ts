import swagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { shared } from '../http/shared-plugin';
import { openPaths } from './auth';

/**
 * The OpenAPI document, generated from the same zod schemas that validate requests (so the two cannot disagree),
 * served at /docs to any token holder.
 */
export const docsPlugin = shared('docs', async (app) => {
  // The probes need no token; say so in the document (they are registered without a schema of their own).
  app.addHook('onRoute', (route) => {
    if (openPaths.has(route.url))
      route.schema = { ...route.schema, security: [], tags: ['ops'] } as typeof route.schema;
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Buying groups API',
        version: '1.0.0',
        description:
          'Operators define components (roles, role templates, account audiences, solution interests), browse and filter ' +
          'buying groups, edit members and import memberships. Errors are application/problem+json (RFC 9457).',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'read or admin token' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/docs', { schema: { hide: true } }, async () => app.swagger());
});
