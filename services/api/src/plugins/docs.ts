import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { prefersHtml } from '../domain/negotiation';
import { shared } from '../http/shared-plugin';
import { openPaths } from './auth';
import { tokenStorageKey } from '../domain/console-session';

export const docsUiPath = '/docs/ui';

/**
 * The OpenAPI document, generated from the same zod schemas that validate requests (so the two cannot disagree),
 * served at /docs to any token holder; a browser asking /docs for HTML is sent to Swagger UI at /docs/ui, served from
 * the package's own files (no CDN). The UI's page and assets hold no data and are open; the document it loads, and
 * every call it tries, carry the token the console keeps in the tab's sessionStorage (without one, the UI sends the
 * browser to the console's sign-in).
 */
export const docsPlugin = shared('docs', async (app) => {
  app.addHook('onRoute', (route) => {
    // The probes need no token; say so in the document (they are registered without a schema of their own).
    if (openPaths.has(route.url))
      route.schema = { ...route.schema, security: [], tags: ['ops'] } as typeof route.schema;
    // Swagger UI's page and assets are open; its copies of the document are not.
    if (route.url.startsWith(docsUiPath) && !/\/(json|yaml)$/.test(route.url))
      route.config = { ...route.config, auth: 'none' } as typeof route.config;
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
  await app.register(swaggerUi, {
    routePrefix: docsUiPath,
    uiConfig: {
      // Serialized into the page as source: runs in the browser, where it adds the console's token to each request.
      requestInterceptor: new Function(
        'request',
        `const token = sessionStorage.getItem(${JSON.stringify(tokenStorageKey)});
         if (token) request.headers.Authorization = 'Bearer ' + token;
         return request;`,
      ) as <Request>(request: Request) => Request,
      tryItOutEnabled: true,
      displayRequestDuration: true,
    },
    theme: {
      title: 'Buying groups API',
      js: [
        {
          filename: 'sign-in.js',
          content: `if (!sessionStorage.getItem(${JSON.stringify(tokenStorageKey)}))
  location.replace('/console/#/sign-in?next=' + encodeURIComponent('${docsUiPath}/'));`,
        },
      ],
    },
  });
  app.get('/docs', { schema: { hide: true }, config: { auth: 'none' } }, async (request, reply) => {
    if (prefersHtml(request.headers.accept)) return reply.redirect(`${docsUiPath}/`, 303);
    app.requireToken(request, 'read');
    return app.swagger();
  });
});
